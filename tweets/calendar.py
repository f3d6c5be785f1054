"""What goes out when, a week or a month at a time: queued tweets at their times, the tweets
waiting for a slot on the slots they will take, each bot's coming schedule slots, and the
posts already out. Each entry falls on its bot's own day (the bot's time zone). One query
reads the tweets, at most a day's worth (ENTRIES_PER_DAY) of each day through the indexes of
posting times and due times, so a busy flock's month costs what a quiet one's does; the
slots are worked out in Python (bots.schedule)."""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from bots.models import Bot
from bots.schedule import next_slot
from bots.zones import bot_local, zone_of
from tweets.models import Tweet

State = Tweet.State
VIEWS = ("week", "month")
# The most tweets a day of the view lists (posted and queued alike, earliest first): a busy
# bot posts thousands a day, which its history lists a page at a time.
ENTRIES_PER_DAY = {"week": 12, "month": 4}
# The most slots listed for one bot in one view (a schedule every minute has 44,640 a month).
MAX_SLOTS_PER_BOT = 31 * 48
TIMED = (State.APPROVED, State.POSTING, State.UNKNOWN)


@dataclass(frozen=True)
class Entry:
    """One thing on the calendar: a tweet at its time, or a schedule slot (`tweet` None, or
    the waiting tweet the slot will take)."""

    at: datetime
    bot: Bot
    tweet: Tweet | None = None
    is_slot: bool = False

    @property
    def local(self) -> datetime:
        return bot_local(self.at, self.bot)

    @property
    def local_input(self) -> str:
        """The local time as a datetime-local field holds it."""
        return self.local.strftime("%Y-%m-%dT%H:%M")

    @property
    def can_move(self) -> bool:
        """Queued and not yet handed to X: a person may give it another time."""
        return self.tweet is not None and self.tweet.state == State.APPROVED


@dataclass
class Day:
    date: date
    in_view: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)
    # More tweets fall on this day than the view lists.
    more: bool = False

    @property
    def slot_counts(self) -> list[tuple[Bot, int]]:
        """Each bot's free slots this day, for the month view's summary."""
        counts: dict[int, list] = {}
        for entry in self.entries:
            if entry.is_slot and entry.tweet is None:
                counts.setdefault(entry.bot.pk, [entry.bot, 0])[1] += 1
        return [(bot, count) for bot, count in counts.values()]


@dataclass
class Calendar:
    view: str
    first: date
    last: date
    weeks: list[list[Day]]
    previous: date
    next: date

    @property
    def is_month(self) -> bool:
        return self.view == "month"

    @property
    def days(self) -> list[Day]:
        return [day for week in self.weeks for day in week]


def view_range(view: str, start: date) -> tuple[date, date, date, date]:
    """The view's first and last days, and the starts of the views before and after it: a
    week from its Monday, a month from its first day."""
    if view == "month":
        first = start.replace(day=1)
        following = (first + timedelta(days=31)).replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        return first, following - timedelta(days=1), previous, following
    first = start - timedelta(days=start.weekday())
    return first, first + timedelta(days=6), first - timedelta(days=7), first + timedelta(days=7)


def tweets_by_day(
    bot_ids: list[int],
    days: list[tuple[datetime, datetime]],
    *,
    limit: int,
    scheduled: list[int],
):
    """The bots' tweets of each day of `days` (its start and end), at most `limit` of each
    kind a day: posted at their time, and queued (or being sent, or unknown) at their due
    time; and every tweet waiting for a slot of the bots with a schedule on, `scheduled`
    (only those have slots to take). Each is annotated `at`, and `day`, its day's index in
    `days` (None while it waits). One query: each day's tweets are read in time order
    through the posted-at and due-time indexes, and stop at `limit`. Databases without
    arrays and LATERAL joins (SQLite) read them with the ORM (tweets_by_day_portably)."""
    if connection.vendor != "postgresql":
        return tweets_by_day_portably(bot_ids, days, limit=limit, scheduled=scheduled)
    table = connection.ops.quote_name(Tweet._meta.db_table)
    # The table's name is the model's own; every value is a parameter.
    pick = (
        f"(SELECT t.*, t.{{at}} AS at FROM {table} t "  # noqa: S608
        "WHERE t.bot_id = ANY(%(bots)s::bigint[]) AND {where} "
        "AND t.{at} >= days.start AND t.{at} < days.stop "
        "ORDER BY t.{at}, t.id LIMIT %(limit)s)"
    )
    # One state a branch, so that each walks its index in time order and stops at `limit`.
    kinds = " UNION ALL ".join(
        [pick.format(at="posted_at", where="t.state = %(posted)s")]
        + [
            pick.format(at="next_attempt_at", where=f"t.state = %(timed{n})s AND NOT t.awaits_slot")
            for n in range(len(TIMED))
        ]
    )
    sql = (
        f"SELECT picked.*, days.n - 1 AS day FROM unnest(%(starts)s::timestamptz[], "  # noqa: S608
        f"%(stops)s::timestamptz[]) WITH ORDINALITY AS days(start, stop, n) "
        f"CROSS JOIN LATERAL ({kinds}) AS picked "
        f"UNION ALL SELECT t.*, t.approved_at AS at, NULL AS day FROM {table} t "
        "WHERE t.bot_id = ANY(%(scheduled)s::bigint[]) AND t.state = %(approved)s "
        "AND t.awaits_slot"
    )
    params = {
        "bots": bot_ids,
        "scheduled": scheduled,
        "starts": [start for start, _ in days],
        "stops": [stop for _, stop in days],
        "limit": limit + 1,
        "posted": State.POSTED,
        "approved": State.APPROVED,
        **{f"timed{n}": state for n, state in enumerate(TIMED)},
    }
    return Tweet.objects.raw(sql, params)


def tweets_by_day_portably(
    bot_ids: list[int],
    days: list[tuple[datetime, datetime]],
    *,
    limit: int,
    scheduled: list[int],
) -> list[Tweet]:
    """tweets_by_day's tweets through the ORM, for any database (SQLite, a single machine's
    default): one query a kind over the whole range in time order, kept up to `limit` + 1
    a day, as the PostgreSQL query keeps them."""
    starts = [start for start, _ in days]
    mine = Tweet.objects.filter(bot_id__in=bot_ids)
    kinds = [(mine.filter(state=State.POSTED), "posted_at")] + [
        (mine.filter(state=state, awaits_slot=False), "next_attempt_at") for state in TIMED
    ]
    picked = []
    for tweets, at in kinds:
        kept: dict[int, int] = defaultdict(int)
        in_range = {f"{at}__gte": days[0][0], f"{at}__lt": days[-1][1]}
        for tweet in tweets.filter(**in_range).order_by(at, "pk").iterator():
            tweet.at = getattr(tweet, at)
            tweet.day = bisect_right(starts, tweet.at) - 1
            if kept[tweet.day] <= limit:
                kept[tweet.day] += 1
                picked.append(tweet)
    waiting = Tweet.objects.filter(bot_id__in=scheduled, state=State.APPROVED, awaits_slot=True)
    for tweet in waiting:
        tweet.at, tweet.day = tweet.approved_at, None
        picked.append(tweet)
    return picked


def calendar_zone(bots: list[Bot]) -> ZoneInfo:
    """Whose days the query counts in: the one bot's when there is one, else the site's."""
    if len(bots) == 1:
        return zone_of(bots[0])
    return timezone.get_default_timezone()


def slots_between(bot: Bot, start: datetime, end: datetime) -> list[datetime]:
    """The bot's nominal schedule slots from `start` to `end` (none for a bot that may not
    post or has no schedule on), by the schedule's own arithmetic."""
    schedule = getattr(bot, "schedule", None)
    if schedule is None or not schedule.enabled or not bot.can_post():
        return []
    slots = []
    slot = next_slot(schedule, start)
    while slot is not None and slot < end and len(slots) < MAX_SLOTS_PER_BOT:
        slots.append(slot)
        slot = next_slot(schedule, slot)
    return slots


def build_calendar(bots: QuerySet, *, view: str, start: date, today: date, now: datetime):
    """The calendar of `bots` for the week or month holding `start`, each day listing at
    most ENTRIES_PER_DAY[view] tweets (queries: the bots' ids, the tweets, and the bots
    they and the schedules need)."""
    first, last, previous, following = view_range(view, start)
    grid_first = first - timedelta(days=first.weekday())
    grid_last = last + timedelta(days=6 - last.weekday())
    per_day = ENTRIES_PER_DAY[view]
    # Light rows: their ids, whether their schedule is on, and their zones.
    light = list(
        bots.select_related("schedule").only("pk", "schedule__time_zone", "schedule__enabled")
    )
    bot_ids = [bot.pk for bot in light]
    scheduled = [bot.pk for bot in light if getattr(bot, "schedule", None) and bot.schedule.enabled]
    zone = calendar_zone(light)
    # A day on either side: entries move to their bot's own day, which may be in the grid.
    dates = [grid_first + timedelta(days=n) for n in range(-1, (grid_last - grid_first).days + 2)]
    bounds = [
        (
            datetime.combine(day, time.min, zone),
            datetime.combine(day + timedelta(1), time.min, zone),
        )
        for day in dates
    ]

    picked: dict[int, list[Tweet]] = defaultdict(list)
    waiting: dict[int, list[Tweet]] = defaultdict(list)
    for tweet in tweets_by_day(bot_ids, bounds, limit=per_day, scheduled=scheduled):
        if tweet.day is None:
            waiting[tweet.bot_id].append(tweet)
        else:
            picked[tweet.day].append(tweet)
    shown, more = [], set()
    for index, tweets in picked.items():
        tweets.sort(key=lambda tweet: (tweet.at, tweet.pk))
        shown += tweets[:per_day]
        if len(tweets) > per_day:
            more.add(dates[index])
    needed = Q(pk__in={tweet.bot_id for tweet in shown} | set(waiting)) | Q(schedule__enabled=True)
    by_id = {bot.pk: bot for bot in bots.filter(needed).select_related("schedule")}
    entries = [Entry(at=tweet.at, bot=by_id[tweet.bot_id], tweet=tweet) for tweet in shown]
    for tweet in shown:
        tweet.bot = by_id[tweet.bot_id]
    start_at, end_at = bounds[0][0], bounds[-1][1]
    for bot in by_id.values():
        # Waiting tweets go out oldest first, one a slot (tweets.services).
        queue = sorted(waiting[bot.pk], key=lambda tweet: (tweet.approved_at, tweet.pk))
        for slot in slots_between(bot, max(now, start_at), end_at):
            taker = queue.pop(0) if queue else None
            if taker is not None:
                taker.bot = bot
            entries.append(Entry(at=slot, bot=bot, tweet=taker, is_slot=True))

    by_day: dict[date, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda entry: entry.at):
        by_day[entry.local.date()].append(entry)
    weeks, day = [], grid_first
    while day <= grid_last:
        week = []
        for _ in range(7):
            in_view = first <= day <= last
            week.append(Day(day, in_view, day == today, by_day.get(day, []), day in more))
            day += timedelta(days=1)
        weeks.append(week)
    return Calendar(view, first, last, weeks, previous, following)
