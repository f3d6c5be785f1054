"""Bots that post on their own: when a schedule's slots fall, the django-celery-beat periodic
tasks that open them, and what a slot does (a draft for review, or a post on autopilot).

Beat opens a slot at its nominal time (tweets.tasks.open_bot_slot). With jitter the slot
runs later: the row keeps `pending_at`, and the minute sweep runs it when it is due, so no
task ever waits in the broker. A slot is claimed by a conditional UPDATE, so a message
delivered twice does nothing the second time.
"""

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from bots.activity import record_activity
from bots.models import Bot, Schedule
from tweets.budget import budget_for
from tweets.generation import CannotGenerate
from tweets.models import Tweet

# Beat may deliver one opening twice (a restart, a redelivery): openings closer than this
# are the same slot.
SAME_SLOT = timedelta(seconds=30)
WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Looking further ahead than this finds no slot: the schedule is all quiet hours.
HORIZON = timedelta(days=8)


# 1. Slot arithmetic (pure) --------------------------------------------------------------


def parse_time_of_day(value: str) -> time:
    """'9:05' or '09:05' -> time(9, 5); ValueError with a clear message otherwise."""
    try:
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day like 09:30.") from None


def in_quiet_hours(schedule: Schedule, moment: datetime) -> bool:
    """Whether `moment` falls in the schedule's quiet hours, read in the bot's time zone;
    quiet hours may run over midnight (22:00 to 07:00)."""
    start, end = schedule.quiet_start, schedule.quiet_end
    if start is None or end is None or start == end:
        return False
    local = moment.astimezone(ZoneInfo(schedule.time_zone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_slot(schedule: Schedule, now: datetime) -> datetime | None:
    """The next nominal slot after `now` outside quiet hours (jitter may add to it), or
    None when the schedule is off or has no slot within a week."""
    if not schedule.enabled:
        return None
    slots = (
        _interval_slots(schedule, now) if _is_interval(schedule) else _timed_slots(schedule, now)
    )
    for slot in slots:
        if slot - now > HORIZON:
            return None
        if not in_quiet_hours(schedule, slot):
            return slot
    return None


def expected_posts_per_month(schedule: Schedule, *, days: int = 30) -> float:
    """Slots in `days` days outside quiet hours, at most the bot's daily cap a day: what the
    schedule posts in a month if every slot's post goes out."""
    if not schedule.enabled:
        return 0.0
    tz = ZoneInfo(schedule.time_zone)
    start = datetime(2026, 1, 5, tzinfo=tz)  # a Monday, so every weekday counts alike
    if _is_interval(schedule):
        step = timedelta(minutes=schedule.every_minutes)
        count = sum(
            not in_quiet_hours(schedule, start + step * n)
            for n in range(int(timedelta(days=7) / step))
        )
        per_week = count
    else:
        per_week = sum(
            1
            for day in range(7)
            if day in schedule.weekdays
            for value in schedule.times_of_day
            if not in_quiet_hours(
                schedule,
                datetime.combine(start.date() + timedelta(days=day), parse_time_of_day(value), tz),
            )
        )
    per_day = min(per_week / 7, schedule.bot.daily_post_cap)
    return round(per_day * days, 1)


def _is_interval(schedule: Schedule) -> bool:
    return schedule.kind == Schedule.Kind.INTERVAL


def _interval_slots(schedule: Schedule, now: datetime):
    step = timedelta(minutes=schedule.every_minutes)
    anchor = schedule.opened_at or schedule.updated_at or now
    slot = anchor + step * max(1, int((now - anchor) / step) + 1)
    while True:
        yield slot
        slot += step


def _timed_slots(schedule: Schedule, now: datetime):
    tz = ZoneInfo(schedule.time_zone)
    times = sorted(parse_time_of_day(value) for value in schedule.times_of_day)
    today: date = now.astimezone(tz).date()
    for offset in range(HORIZON.days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() not in schedule.weekdays:
            continue
        for moment in times:
            slot = datetime.combine(day, moment, tz)
            if slot > now:
                yield slot


# 2. The bot's periodic tasks in django-celery-beat --------------------------------------


def task_prefix(bot_id: int) -> str:
    return f"aviary: bot {bot_id} slot"


def sync_periodic_tasks(schedule: Schedule, *, restart: bool = False) -> list[PeriodicTask]:
    """Make the bot's periodic tasks match its schedule (rows written: PeriodicTask,
    IntervalSchedule, CrontabSchedule): one interval task, or one crontab task per time of
    day in the bot's time zone; enabled only while the bot and its schedule are on.
    `restart` makes beat count an interval from now, as the schedule's next slot does."""
    bot = schedule.bot
    enabled = schedule.enabled and bot.is_active
    wanted = {}
    if _is_interval(schedule):
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_minutes, period=IntervalSchedule.MINUTES
        )
        wanted[task_prefix(bot.pk)] = {"interval": interval, "crontab": None}
    else:
        days = sorted(schedule.weekdays)
        day_of_week = "*" if len(days) == 7 else ",".join(WEEKDAY_NAMES[d] for d in days)
        for value in schedule.times_of_day:
            moment = parse_time_of_day(value)
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=str(moment.minute),
                hour=str(moment.hour),
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone=schedule.time_zone,
            )
            name = f"{task_prefix(bot.pk)} {moment:%H:%M}"
            wanted[name] = {"interval": None, "crontab": crontab}
    stale = PeriodicTask.objects.filter(name__startswith=task_prefix(bot.pk)).exclude(
        name__in=wanted
    )
    for task in stale:
        task.delete()
    tasks = []
    for name, when in wanted.items():
        task, _ = PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                **when,
                "task": "tweets.tasks.open_bot_slot",
                "args": json.dumps([bot.pk]),
                "enabled": enabled,
                "description": f"Opens {bot.name}'s posting slots; managed by Aviary.",
                **({"last_run_at": None} if restart else {}),
            },
        )
        tasks.append(task)
    return tasks


def remove_periodic_tasks(bot_id: int) -> None:
    for task in PeriodicTask.objects.filter(name__startswith=task_prefix(bot_id)):
        task.delete()


# 3. Services ----------------------------------------------------------------------------


def save_schedule(bot: Bot, *, by=None, **fields) -> Schedule:
    """Create or change the bot's schedule and its periodic tasks (rows written: Schedule,
    PeriodicTask, Activity). Interval slots count from now."""
    with transaction.atomic():
        schedule, created = Schedule.objects.select_for_update().get_or_create(bot=bot)
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.opened_at = None
        schedule.pending_at = None
        schedule.save()
        schedule.bot = bot
        sync_periodic_tasks(schedule, restart=True)
        record_activity(
            "bot.schedule_saved",
            message=f"{'Set' if created else 'Changed'} the schedule: {describe(schedule)}.",
            by=by,
            bot=bot,
        )
    return schedule


def describe(schedule: Schedule) -> str:
    """The schedule in a sentence, as the bot page and the activity log show it."""
    if not schedule.enabled:
        return "off"
    if _is_interval(schedule):
        minutes = schedule.every_minutes
        every = f"every {minutes // 60} h" if minutes % 60 == 0 else f"every {minutes} min"
        if minutes % 60 == 0 and minutes // 60 == 1:
            every = "every hour"
    else:
        days = sorted(schedule.weekdays)
        on = (
            "daily" if len(days) == 7 else "on " + ", ".join(WEEKDAY_NAMES[d].title() for d in days)
        )
        every = f"at {', '.join(schedule.times_of_day)} {on}"
    parts = [f"{every} ({schedule.time_zone})"]
    if schedule.jitter_minutes:
        parts.append(f"up to {schedule.jitter_minutes} min late at random")
    if schedule.quiet_start and schedule.quiet_end:
        parts.append(f"quiet {schedule.quiet_start:%H:%M} to {schedule.quiet_end:%H:%M}")
    return ", ".join(parts)


def awaits_slot(bot: Bot) -> bool:
    """Whether an approved draft of this bot waits for its next free slot: review-first bots
    with a schedule that is on."""
    return (
        bot.posting_mode == Bot.PostingMode.REVIEW
        and Schedule.objects.filter(bot=bot, enabled=True).exists()
    )


@dataclass(frozen=True)
class SlotOutcome:
    ran: bool
    message: str
    tweet: Tweet | None = None


def open_slot(bot_id: int, *, now: datetime | None = None, rng=None) -> SlotOutcome:
    """Beat says a slot of this bot has come (rows written: Schedule). Without jitter the
    slot runs at once; with it, `pending_at` says when, and the sweep runs it then."""
    now = now or timezone.now()
    rng = rng or random.Random()
    schedule = Schedule.objects.filter(bot_id=bot_id).first()
    if schedule is None:
        remove_periodic_tasks(bot_id)
        return SlotOutcome(False, "The bot has no schedule any more.")
    delay = timedelta(seconds=rng.uniform(0, schedule.jitter_minutes * 60))
    opened = (
        Schedule.objects.filter(pk=schedule.pk)
        .filter(Q(opened_at__isnull=True) | Q(opened_at__lt=now - SAME_SLOT))
        .update(opened_at=now, pending_at=now + delay)
    )
    if not opened:
        return SlotOutcome(False, "This slot was already opened.")
    if delay:
        return SlotOutcome(False, f"The slot runs at {now + delay:%H:%M:%S}.")
    return run_slot(bot_id, now=now, rng=rng)


def due_slots(now: datetime) -> list[int]:
    """Bots whose opened slot's jitter has passed: the sweep runs these."""
    return list(Schedule.objects.filter(pending_at__lte=now).values_list("bot_id", flat=True))


def run_slot(bot_id: int, *, now: datetime | None = None, rng=None) -> SlotOutcome:
    """Run the bot's due slot once (rows written: Schedule, Tweet, Activity; task queued:
    post_tweet). Review first: the oldest approved draft waiting for a slot goes out, and a
    new draft joins the review queue. Autopilot: a new draft is approved and posted. Paused
    bots, quiet hours and the daily cap skip the slot."""
    from tweets import services

    now = now or timezone.now()
    claimed = Schedule.objects.filter(bot_id=bot_id, pending_at__lte=now).update(
        pending_at=None, last_run_at=now
    )
    if not claimed:
        return SlotOutcome(False, "No slot is due.")
    schedule = Schedule.objects.select_related("bot").get(bot_id=bot_id)
    bot = schedule.bot
    if not (bot.is_active and schedule.enabled):
        return SlotOutcome(False, "The bot or its schedule is paused.")
    if in_quiet_hours(schedule, now):
        return SlotOutcome(False, "Quiet hours.")
    if slot_cap_reached(bot, now):
        return _skip(bot, f"daily cap reached ({bot.daily_post_cap} posts in 24 hours)")
    if budget_for(bot, now).budget_reached():
        return _skip(bot, "the monthly budget is spent")
    if bot.posting_mode == Bot.PostingMode.REVIEW:
        released = release_waiting_tweet(bot, now=now)
        if Tweet.objects.filter(bot=bot, state=Tweet.State.DRAFT).count() >= (
            settings.SCHEDULE_MAX_WAITING_DRAFTS
        ):
            return SlotOutcome(bool(released), "Enough drafts are waiting for review.", released)
    try:
        drafts = services.generate_drafts(bot, count=1, rng=rng, actor="schedule")
    except CannotGenerate as error:
        return _skip(bot, str(error))
    if not drafts:
        return _skip(bot, "the corpus gave no new sentence that fits")
    draft = drafts[0]
    if bot.posting_mode == Bot.PostingMode.AUTOPILOT:
        services.approve_tweet(draft, by=None, actor="schedule")
        return SlotOutcome(True, "Wrote and queued a post.", draft)
    return SlotOutcome(True, "Wrote a draft for review.", draft)


def slot_cap_reached(bot: Bot, now: datetime) -> bool:
    """Posted in the last 24 hours plus already on the way, against the daily cap."""
    since = now - timedelta(hours=24)
    used = Tweet.objects.filter(bot=bot).filter(
        Q(state=Tweet.State.POSTED, posted_at__gte=since)
        | Q(state__in=[Tweet.State.POSTING, Tweet.State.UNKNOWN])
        | Q(state=Tweet.State.APPROVED, awaits_slot=False)
    )
    return used.count() >= bot.daily_post_cap


def release_waiting_tweet(bot: Bot, *, now: datetime) -> Tweet | None:
    """The bot's oldest approved draft waiting for a slot goes out now (rows written:
    Tweet; task queued: post_tweet on commit)."""
    from tweets.tasks import post_tweet

    waiting = (
        Tweet.objects.filter(bot=bot, state=Tweet.State.APPROVED, awaits_slot=True)
        .order_by("approved_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    released = Tweet.objects.filter(pk=waiting.pk, awaits_slot=True).update(
        awaits_slot=False, next_attempt_at=now, updated_at=now
    )
    if not released:
        return None
    post_tweet.delay_on_commit(waiting.pk)
    return waiting


def _skip(bot: Bot, reason: str) -> SlotOutcome:
    record_activity(
        "schedule.skipped", message=f"Skipped a slot: {reason}.", actor="schedule", bot=bot
    )
    return SlotOutcome(False, f"Skipped: {reason}.")
