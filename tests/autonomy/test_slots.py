"""Schedules: when slots fall (time zones, weekdays, quiet hours, jitter), the periodic tasks
kept in step with them, and what a slot does in review-first and autopilot modes."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django_celery_beat.models import PeriodicTask

from activity.models import Activity
from autonomy import slots
from bots import schedule as schedule_rules
from bots.models import Bot, Schedule
from bots.services import pause_bot, resume_bot
from tests.factories import make_tweet
from tests.integration.world import ready_corpus_for
from tweets import services
from tweets.models import Tweet

pytestmark = pytest.mark.django_db

MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def make_schedule(bot, **fields) -> Schedule:
    return schedule_rules.save_schedule(bot, **fields)


@pytest.fixture
def speaking_bot(bot):
    ready_corpus_for(bot)
    return bot


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


def test_saving_a_schedule_keeps_the_bots_periodic_tasks_in_step(bot, owner):
    make_schedule(bot, every_minutes=30)
    task = PeriodicTask.objects.get(name=schedule_rules.task_prefix(bot.pk))
    assert (task.task, task.args, task.interval.every, task.enabled) == (
        "autonomy.tasks.open_bot_slot",
        f"[{bot.pk}]",
        30,
        True,
    )

    make_schedule(
        bot, kind="times", times_of_day=["08:15", "20:00"], weekdays=[0, 6], time_zone="Asia/Tokyo"
    )
    tasks = PeriodicTask.objects.filter(name__startswith=schedule_rules.task_prefix(bot.pk))
    crontabs = sorted(
        (t.crontab.hour, t.crontab.minute, t.crontab.day_of_week, str(t.crontab.timezone))
        for t in tasks
    )
    assert crontabs == [("20", "0", "mon,sun", "Asia/Tokyo"), ("8", "15", "mon,sun", "Asia/Tokyo")]
    assert Activity.objects.filter(bot=bot, action="bot.schedule_saved").count() == 2


def test_pausing_the_bot_pauses_its_periodic_tasks(bot):
    make_schedule(bot, every_minutes=30)

    pause_bot(bot)
    assert not PeriodicTask.objects.get(name=schedule_rules.task_prefix(bot.pk)).enabled
    resume_bot(bot)
    assert PeriodicTask.objects.get(name=schedule_rules.task_prefix(bot.pk)).enabled


def test_a_review_first_slot_writes_one_draft(speaking_bot):
    make_schedule(speaking_bot, every_minutes=60)

    outcome = slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(1))

    assert outcome.ran
    assert list(Tweet.objects.filter(bot=speaking_bot).values_list("state", flat=True)) == ["draft"]
    entry = Activity.objects.get(bot=speaking_bot, action="tweet.generated")
    assert entry.actor_name == "schedule"


def test_a_slot_opened_twice_runs_once(speaking_bot):
    make_schedule(speaking_bot, every_minutes=60)

    slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(1))
    again = slots.open_slot(
        speaking_bot.pk, now=MONDAY_NOON + timedelta(seconds=5), rng=random.Random(1)
    )

    assert not again.ran
    assert Tweet.objects.filter(bot=speaking_bot).count() == 1


def test_approved_drafts_of_a_review_first_bot_wait_for_the_next_slot_oldest_first(
    speaking_bot, owner, django_capture_on_commit_callbacks
):
    make_schedule(speaking_bot, every_minutes=60)
    older = make_tweet(bot=speaking_bot, text="The older approved draft.")
    newer = make_tweet(bot=speaking_bot, text="The newer approved draft.")
    with django_capture_on_commit_callbacks() as approvals:
        services.approve_tweet(older, by=owner)
        services.approve_tweet(newer, by=owner)
    assert approvals == []  # nothing goes out before a slot
    assert set(Tweet.objects.filter(awaits_slot=True)) == {older, newer}

    with django_capture_on_commit_callbacks() as posting:
        slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(2))

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.awaits_slot, newer.awaits_slot) == (False, True)
    assert len(posting) == 1


def test_post_now_skips_the_wait_for_a_slot(speaking_bot, owner):
    make_schedule(speaking_bot, every_minutes=60)
    draft = make_tweet(bot=speaking_bot, text="Waiting for its slot.")
    services.approve_tweet(draft, by=owner)

    services.post_now(draft, by=owner)

    draft.refresh_from_db()
    assert not draft.awaits_slot


def test_an_autopilot_slot_writes_and_queues_a_post(
    speaking_bot, django_capture_on_commit_callbacks
):
    speaking_bot.posting_mode = Bot.PostingMode.AUTOPILOT
    speaking_bot.save()
    make_schedule(speaking_bot, every_minutes=60)

    with django_capture_on_commit_callbacks() as posting:
        outcome = slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(3))

    outcome.tweet.refresh_from_db()
    assert (outcome.tweet.state, outcome.tweet.awaits_slot) == ("approved", False)
    assert len(posting) == 1


def test_the_daily_cap_skips_a_slot_and_says_so(speaking_bot):
    speaking_bot.posting_mode = Bot.PostingMode.AUTOPILOT
    speaking_bot.daily_post_cap = 2
    speaking_bot.save()
    make_schedule(speaking_bot, every_minutes=60)
    for n in range(2):
        make_tweet(bot=speaking_bot, state="posted", posted_at=MONDAY_NOON - timedelta(hours=n))

    outcome = slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(4))

    assert not outcome.ran
    assert Tweet.objects.filter(bot=speaking_bot).count() == 2
    skipped = Activity.objects.get(bot=speaking_bot, action="schedule.skipped")
    assert "daily cap reached (2 posts in 24 hours)" in skipped.message


def test_quiet_hours_skip_a_slot(speaking_bot):
    make_schedule(speaking_bot, every_minutes=60, quiet_start=time(11, 0), quiet_end=time(13, 0))

    outcome = slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(5))

    assert (outcome.ran, outcome.message) == (False, "Quiet hours.")
    assert not Tweet.objects.filter(bot=speaking_bot).exists()


def test_a_paused_bot_skips_its_slot(speaking_bot):
    make_schedule(speaking_bot, every_minutes=60)
    pause_bot(speaking_bot)

    outcome = slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(6))

    assert not outcome.ran
    assert not Tweet.objects.filter(bot=speaking_bot).exists()


def test_jitter_delays_a_slot_until_the_sweep_finds_it_due(speaking_bot):
    make_schedule(speaking_bot, every_minutes=60, jitter_minutes=10)

    opened = slots.open_slot(speaking_bot.pk, now=MONDAY_NOON, rng=random.Random(7))
    pending_at = Schedule.objects.get(bot=speaking_bot).pending_at

    assert not opened.ran
    assert MONDAY_NOON < pending_at <= MONDAY_NOON + timedelta(minutes=10)
    assert slots.due_slots(pending_at - timedelta(seconds=1)) == []
    assert slots.due_slots(pending_at) == [speaking_bot.pk]
    assert slots.run_slot(speaking_bot.pk, now=pending_at, rng=random.Random(7)).ran
    assert not slots.run_slot(speaking_bot.pk, now=pending_at, rng=random.Random(7)).ran


def test_a_bot_without_a_corpus_skips_its_slot_with_the_reason(bot):
    make_schedule(bot, every_minutes=60)

    outcome = slots.open_slot(bot.pk, now=MONDAY_NOON, rng=random.Random(8))

    assert not outcome.ran
    assert Activity.objects.filter(bot=bot, action="schedule.skipped").exists()
