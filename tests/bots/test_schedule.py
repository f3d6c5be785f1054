"""Schedules as arithmetic on their row: when slots fall (time zones, weekdays, quiet hours),
when the next one runs (jitter included), and what saving, pausing and resuming set."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from activity.models import Activity
from bots import schedule as schedule_rules
from bots.models import Schedule
from bots.services import pause_bot, resume_bot

pytestmark = pytest.mark.django_db

MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def make_schedule(bot, **fields) -> Schedule:
    return schedule_rules.save_schedule(bot, **fields)


def test_it_finds_the_next_time_of_day_in_the_bots_time_zone(bot):
    schedule = make_schedule(
        bot, kind="times", times_of_day=["09:00", "18:30"], time_zone="Europe/Paris"
    )

    # Noon UTC is 13:00 in Paris in winter: the next slot is 18:30 Paris, 17:30 UTC.
    assert schedule_rules.next_slot(schedule, MONDAY_NOON) == datetime(
        2026, 11, 30, 17, 30, tzinfo=UTC
    )


def test_it_skips_weekdays_the_schedule_leaves_out(bot):
    schedule = make_schedule(bot, kind="times", times_of_day=["10:00"], weekdays=[2])

    # From Monday noon, the first Wednesday at 10:00.
    assert schedule_rules.next_slot(schedule, MONDAY_NOON) == datetime(
        2026, 12, 2, 10, 0, tzinfo=UTC
    )


def test_it_skips_slots_in_quiet_hours_over_midnight(bot):
    schedule = make_schedule(bot, every_minutes=60, quiet_start=time(22, 0), quiet_end=time(7, 0))
    schedule.opened_at = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)

    late_evening = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    assert schedule_rules.next_slot(schedule, late_evening) == datetime(
        2026, 12, 1, 7, 0, tzinfo=UTC
    )
    assert schedule_rules.in_quiet_hours(schedule, datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    assert not schedule_rules.in_quiet_hours(schedule, datetime(2026, 12, 1, 7, 0, tzinfo=UTC))


def test_an_interval_counts_from_the_last_opened_slot(bot):
    schedule = make_schedule(bot, every_minutes=90)
    schedule.opened_at = MONDAY_NOON

    assert schedule_rules.next_slot(schedule, MONDAY_NOON + timedelta(minutes=100)) == (
        MONDAY_NOON + timedelta(minutes=180)
    )


def test_a_schedule_that_is_off_has_no_next_slot(bot):
    schedule = make_schedule(bot, enabled=False)

    assert schedule_rules.next_slot(schedule, MONDAY_NOON) is None
    assert schedule.next_run_at is None


def test_it_estimates_posts_a_month_within_the_daily_cap(bot):
    bot.daily_post_cap = 5
    bot.save()
    hourly = make_schedule(bot, every_minutes=60, quiet_start=time(0, 0), quiet_end=time(12, 0))
    assert schedule_rules.expected_posts_per_month(hourly) == 150.0  # 12 slots a day, capped at 5

    twice_on_weekdays = make_schedule(
        bot,
        kind="times",
        times_of_day=["09:00", "17:00"],
        weekdays=[0, 1, 2, 3, 4],
        quiet_start=None,
        quiet_end=None,
    )
    assert schedule_rules.expected_posts_per_month(twice_on_weekdays) == pytest.approx(
        30 * 10 / 7, 0.01
    )


def test_saving_a_schedule_sets_when_its_first_slot_runs(bot):
    make_schedule(bot, every_minutes=30, now=MONDAY_NOON)
    schedule = Schedule.objects.get(bot=bot)
    assert (schedule.opened_at, schedule.next_run_at) == (
        MONDAY_NOON,
        MONDAY_NOON + timedelta(minutes=30),
    )

    make_schedule(
        bot,
        kind="times",
        times_of_day=["08:15", "20:00"],
        weekdays=[0, 6],
        time_zone="Asia/Tokyo",
        now=MONDAY_NOON,
    )
    # Monday noon UTC is 21:00 in Tokyo: the next slot is Sunday 08:15 Tokyo time.
    assert Schedule.objects.get(bot=bot).next_run_at == datetime(2026, 12, 5, 23, 15, tzinfo=UTC)
    assert Activity.objects.filter(bot=bot, action="bot.schedule_saved").count() == 2


def test_jitter_makes_a_slot_run_late_but_never_more_than_the_jitter(bot):
    lateness = set()
    for seed in range(20):
        schedule = make_schedule(
            bot, every_minutes=60, jitter_minutes=10, now=MONDAY_NOON, rng=random.Random(seed)
        )
        late = schedule.next_run_at - (MONDAY_NOON + timedelta(minutes=60))
        assert timedelta(0) <= late <= timedelta(minutes=10)
        lateness.add(late)

    assert len(lateness) == 20  # each seed its own moment, not one fixed delay


def test_a_jittered_run_belongs_to_its_nominal_slot(bot):
    interval = make_schedule(bot, every_minutes=60, now=MONDAY_NOON)
    assert schedule_rules.slot_of(interval, MONDAY_NOON + timedelta(minutes=67)) == (
        MONDAY_NOON + timedelta(minutes=60)
    )

    timed = make_schedule(
        bot, kind="times", times_of_day=["09:00", "18:30"], time_zone="Europe/Paris"
    )
    assert schedule_rules.slot_of(timed, datetime(2026, 11, 30, 17, 38, tzinfo=UTC)) == (
        datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    )


def test_a_paused_bot_keeps_its_schedule_and_resuming_works_out_the_next_slot(bot):
    make_schedule(bot, every_minutes=30, now=MONDAY_NOON)

    pause_bot(bot)
    assert Schedule.objects.get(bot=bot).enabled
    resume_bot(bot)

    schedule = Schedule.objects.get(bot=bot)
    # Counted on from the saved anchor, so the interval stays where it was.
    assert schedule.opened_at == MONDAY_NOON
    assert (schedule.next_run_at - MONDAY_NOON) % timedelta(minutes=30) == timedelta(0)
    assert schedule.next_run_at > MONDAY_NOON


def test_switching_a_schedule_back_on_works_out_its_next_slot(bot):
    make_schedule(bot, every_minutes=30, enabled=False, now=MONDAY_NOON)
    assert Schedule.objects.get(bot=bot).next_run_at is None

    make_schedule(bot, enabled=True, now=MONDAY_NOON)

    assert Schedule.objects.get(bot=bot).next_run_at == MONDAY_NOON + timedelta(minutes=30)
