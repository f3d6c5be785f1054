"""What goes out when, a week or a month at a time: queued tweets at their times, the tweets
waiting for a slot on the slots they will take, each bot's coming schedule slots, and the
posts already out. Each entry falls on its bot's own day (the bot's time zone). One query
reads the tweets; the slots are worked out in Python (bots.schedule)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Coalesce

from bots.models import Bot
from bots.schedule import next_slot
from bots.zones import bot_local
from tweets.models import Tweet

State = Tweet.State
VIEWS = ("week", "month")
# The widest gap between a bot's day and UTC's (UTC-12 to UTC+14): the query reads this
# much more on either side, and each entry is then placed on its bot's own day.
ZONE_SLACK = timedelta(hours=14)
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


def tweets_between(bots: QuerySet, start: datetime, end: datetime) -> QuerySet:
    """The bots' tweets going out or gone out between `start` and `end` (annotated `at`),
    and every tweet of theirs waiting for a slot, in one query."""
    return (
        Tweet.objects.filter(bot__in=bots)
        .annotate(
            at=Case(
                When(state=State.POSTED, then=F("posted_at")),
                # When the pipeline may next send it: its time, or a retry's after it.
                default=Coalesce("next_attempt_at", "scheduled_for"),
            )
        )
        .filter(
            Q(state=State.APPROVED, awaits_slot=True)
            | Q(state=State.POSTED, posted_at__gte=start, posted_at__lt=end)
            | Q(state__in=TIMED, awaits_slot=False, at__gte=start, at__lt=end)
        )
        .select_related("bot__schedule")
        .order_by("at", "pk")
    )


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
    """The calendar of `bots` for the week or month holding `start` (queries: the tweets,
    and the bots with their schedules)."""
    first, last, previous, following = view_range(view, start)
    grid_first = first - timedelta(days=first.weekday())
    grid_last = last + timedelta(days=6 - last.weekday())
    start_at = datetime.combine(grid_first, time.min, UTC) - ZONE_SLACK
    end_at = datetime.combine(grid_last + timedelta(days=1), time.min, UTC) + ZONE_SLACK

    entries: list[Entry] = []
    waiting: dict[int, list[Tweet]] = defaultdict(list)
    for tweet in tweets_between(bots, start_at, end_at):
        if tweet.state == State.APPROVED and tweet.awaits_slot:
            waiting[tweet.bot_id].append(tweet)
        else:
            entries.append(Entry(at=tweet.at, bot=tweet.bot, tweet=tweet))
    for bot in bots.select_related("schedule"):
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
            week.append(Day(day, first <= day <= last, day == today, by_day.get(day, [])))
            day += timedelta(days=1)
        weeks.append(week)
    return Calendar(view, first, last, weeks, previous, following)
