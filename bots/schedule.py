"""A bot's schedule as arithmetic on its row: when slots fall (in the bot's time zone, outside
quiet hours), how many a month, the schedule in a sentence; saving it, and the
django-celery-beat periodic tasks that open its slots (autonomy.slots runs them)."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

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
                "task": "autonomy.tasks.open_bot_slot",
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


# 3. Saving -------------------------------------------------------------------------------


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
