"""A bot's schedule as arithmetic on its row: when slots fall (in the bot's time zone, outside
quiet hours), when the next one runs (jitter included), how many a month, the schedule in a
sentence, and saving it. autonomy.slots runs the slots that are due."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot, Schedule

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


def expected_posts_per_month(schedule: Schedule, *, days: float = 30, capped: bool = True) -> float:
    """Slots in `days` days outside quiet hours, at most the bot's daily cap a day (unless
    not `capped`): what the schedule posts in a month if every slot's post goes out."""
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
    per_day = min(per_week / 7, schedule.bot.daily_post_cap) if capped else per_week / 7
    return round(per_day * days, 1)


def _is_interval(schedule: Schedule) -> bool:
    return schedule.kind == Schedule.Kind.INTERVAL


def _interval_slots(schedule: Schedule, now: datetime):
    step = timedelta(minutes=schedule.every_minutes)
    anchor = schedule.opened_at or now
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


# 2. When the next slot runs -------------------------------------------------------------


def next_run(schedule: Schedule, now: datetime, rng: random.Random) -> datetime | None:
    """When the slot after `now` runs: the next nominal slot plus up to the schedule's
    jitter at random, or None when there is no next slot."""
    slot = next_slot(schedule, now)
    if slot is None:
        return None
    return slot + timedelta(seconds=rng.uniform(0, schedule.jitter_minutes * 60))


def slot_of(schedule: Schedule, run_at: datetime) -> datetime:
    """The nominal slot that a run at `run_at` belongs to: the latest slot at or before it.
    An interval keeps counting from it, so jitter never shifts later slots."""
    if _is_interval(schedule):
        step = timedelta(minutes=schedule.every_minutes)
        anchor = schedule.opened_at or run_at
        return anchor + step * max(0, (run_at - anchor) // step)
    tz = ZoneInfo(schedule.time_zone)
    times = sorted((parse_time_of_day(value) for value in schedule.times_of_day), reverse=True)
    today: date = run_at.astimezone(tz).date()
    for offset in range(HORIZON.days + 1):
        day = today - timedelta(days=offset)
        if day.weekday() not in schedule.weekdays:
            continue
        for moment in times:
            slot = datetime.combine(day, moment, tz)
            if slot <= run_at:
                return slot
    return run_at


def refresh_next_run(
    schedule: Schedule, *, now: datetime | None = None, rng: random.Random | None = None
) -> datetime | None:
    """Work out again when the schedule's next slot runs, as resuming a bot does (rows
    written: Schedule). An interval keeps counting from its last slot."""
    schedule.next_run_at = next_run(schedule, now or timezone.now(), rng or random.Random())
    Schedule.objects.filter(pk=schedule.pk).update(next_run_at=schedule.next_run_at)
    return schedule.next_run_at


# 3. Saving -------------------------------------------------------------------------------


def save_schedule(
    bot: Bot,
    *,
    by=None,
    now: datetime | None = None,
    rng: random.Random | None = None,
    **fields,
) -> Schedule:
    """Create or change the bot's schedule (rows written: Schedule, Activity). Interval
    slots count from now; `next_run_at` says when the first slot runs, jitter included."""
    now = now or timezone.now()
    with transaction.atomic():
        schedule, created = Schedule.objects.select_for_update().get_or_create(bot=bot)
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.opened_at = now
        schedule.next_run_at = next_run(schedule, now, rng or random.Random())
        schedule.save()
        schedule.bot = bot
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
