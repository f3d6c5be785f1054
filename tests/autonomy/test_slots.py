"""Running schedule slots: the one beat task finds the rows that are due, a slot is claimed
once and moves the row on (skipped or not), and what a slot does in review-first and
autopilot modes."""

import random
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from activity.models import Activity
from autonomy import slots
from bots.models import Bot, Schedule
from bots.schedule import save_schedule
from bots.services import pause_bot
from tests.factories import make_bot, make_tweet
from tests.integration.world import ready_corpus_for
from tweets import services
from tweets.models import Tweet

pytestmark = pytest.mark.django_db

MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def make_due_schedule(bot, at=MONDAY_NOON, **fields) -> Schedule:
    """A schedule whose slot at `at` is due then (as if saved an interval earlier)."""
    fields = {"every_minutes": 60, **fields}
    return save_schedule(bot, now=at - timedelta(minutes=fields["every_minutes"]), **fields)


def run(bot, now=MONDAY_NOON, seed=1) -> slots.SlotOutcome:
    return slots.run_slot(bot.pk, now=now, rng=random.Random(seed))


@pytest.fixture
def speaking_bot(bot):
    ready_corpus_for(bot)
    return bot


def test_the_beat_task_finds_the_schedules_whose_slot_is_due(owner, credential_keys):
    due = make_bot(owners=[owner], name="Due")
    later = make_bot(owners=[owner], name="Later")
    off = make_bot(owners=[owner], name="Off")
    make_due_schedule(due)
    make_due_schedule(later, at=MONDAY_NOON + timedelta(minutes=1))
    make_due_schedule(off, enabled=False)

    assert slots.due_slots(MONDAY_NOON - timedelta(seconds=1)) == []
    assert slots.due_slots(MONDAY_NOON) == [due.pk]


def test_a_review_first_slot_writes_one_draft(speaking_bot):
    make_due_schedule(speaking_bot)

    outcome = run(speaking_bot)

    assert outcome.ran
    assert list(Tweet.objects.filter(bot=speaking_bot).values_list("state", flat=True)) == ["draft"]
    entry = Activity.objects.get(bot=speaking_bot, action="tweet.generated")
    assert entry.actor_name == "schedule"


def test_a_slot_delivered_twice_runs_once(speaking_bot):
    make_due_schedule(speaking_bot)

    run(speaking_bot)
    again = run(speaking_bot, now=MONDAY_NOON + timedelta(seconds=5))

    assert not again.ran
    assert Tweet.objects.filter(bot=speaking_bot).count() == 1
    assert slots.due_slots(MONDAY_NOON + timedelta(seconds=5)) == []


def test_running_a_slot_moves_the_row_on_from_the_nominal_slot(speaking_bot):
    make_due_schedule(speaking_bot, jitter_minutes=10)
    schedule = Schedule.objects.get(bot=speaking_bot)
    ran_at = schedule.next_run_at

    run(speaking_bot, now=ran_at + timedelta(seconds=20), seed=7)

    schedule.refresh_from_db()
    # The interval counts from the nominal noon slot, never from the jittered time it ran.
    assert schedule.opened_at == MONDAY_NOON
    assert schedule.last_run_at == ran_at + timedelta(seconds=20)
    next_slot = MONDAY_NOON + timedelta(minutes=60)
    assert next_slot <= schedule.next_run_at <= next_slot + timedelta(minutes=10)


def test_approved_drafts_of_a_review_first_bot_wait_for_the_next_slot_oldest_first(
    speaking_bot, owner, django_capture_on_commit_callbacks
):
    make_due_schedule(speaking_bot)
    older = make_tweet(bot=speaking_bot, text="The older approved draft.")
    newer = make_tweet(bot=speaking_bot, text="The newer approved draft.")
    with django_capture_on_commit_callbacks() as approvals:
        services.approve_tweet(older, by=owner)
        services.approve_tweet(newer, by=owner)
    assert approvals == []  # nothing goes out before a slot
    assert set(Tweet.objects.filter(awaits_slot=True)) == {older, newer}

    with django_capture_on_commit_callbacks() as posting:
        run(speaking_bot, seed=2)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.awaits_slot, newer.awaits_slot) == (False, True)
    assert len(posting) == 1


def test_post_now_skips_the_wait_for_a_slot(speaking_bot, owner):
    make_due_schedule(speaking_bot)
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
    make_due_schedule(speaking_bot)

    with django_capture_on_commit_callbacks() as posting:
        outcome = run(speaking_bot, seed=3)

    outcome.tweet.refresh_from_db()
    assert (outcome.tweet.state, outcome.tweet.awaits_slot) == ("approved", False)
    assert len(posting) == 1


def test_the_daily_cap_skips_a_slot_and_says_so(speaking_bot):
    speaking_bot.posting_mode = Bot.PostingMode.AUTOPILOT
    speaking_bot.daily_post_cap = 2
    speaking_bot.save()
    make_due_schedule(speaking_bot)
    for n in range(2):
        make_tweet(bot=speaking_bot, state="posted", posted_at=MONDAY_NOON - timedelta(hours=n))

    outcome = run(speaking_bot, seed=4)

    assert not outcome.ran
    assert Tweet.objects.filter(bot=speaking_bot).count() == 2
    skipped = Activity.objects.get(bot=speaking_bot, action="schedule.skipped")
    assert "daily cap reached (2 posts in 24 hours)" in skipped.message


def test_quiet_hours_skip_a_slot(speaking_bot):
    # Jitter (or a late sweep) can carry a slot into quiet hours; it does not post there.
    make_due_schedule(speaking_bot, quiet_start=time(11, 0), quiet_end=time(13, 0))
    Schedule.objects.filter(bot=speaking_bot).update(next_run_at=MONDAY_NOON)

    outcome = run(speaking_bot, seed=5)

    assert (outcome.ran, outcome.message) == (False, "Quiet hours.")
    assert not Tweet.objects.filter(bot=speaking_bot).exists()


def test_a_paused_bot_skips_its_slot(speaking_bot):
    make_due_schedule(speaking_bot)
    pause_bot(speaking_bot)

    outcome = run(speaking_bot, seed=6)

    assert not outcome.ran
    assert not Tweet.objects.filter(bot=speaking_bot).exists()


def pause(bot):
    pause_bot(bot)


def switch_off(bot):
    Schedule.objects.filter(bot=bot).update(enabled=False)


def quiet(bot):
    # Until 13:30, so the next slot after noon outside them is at 14:00.
    Schedule.objects.filter(bot=bot).update(quiet_start=time(11, 0), quiet_end=time(13, 30))


def cap(bot):
    Bot.objects.filter(pk=bot.pk).update(daily_post_cap=1)
    make_tweet(bot=bot, state="posted", posted_at=MONDAY_NOON - timedelta(hours=1))


def spend(bot):
    Bot.objects.filter(pk=bot.pk).update(monthly_budget_usd=Decimal("0.01"))


NEXT_HOUR = MONDAY_NOON + timedelta(minutes=60)


@pytest.mark.parametrize(
    ("reason", "next_run_at"),
    [
        (pause, NEXT_HOUR),
        (switch_off, None),
        (quiet, NEXT_HOUR + timedelta(minutes=60)),
        (cap, NEXT_HOUR),
        (spend, NEXT_HOUR),
    ],
)
def test_a_skipped_slot_still_moves_the_row_on(speaking_bot, reason, next_run_at):
    make_due_schedule(speaking_bot)
    reason(speaking_bot)

    outcome = run(speaking_bot)

    assert not outcome.ran
    schedule = Schedule.objects.get(bot=speaking_bot)
    assert (schedule.last_run_at, schedule.opened_at) == (MONDAY_NOON, MONDAY_NOON)
    assert schedule.next_run_at == next_run_at
    assert slots.due_slots(MONDAY_NOON) == []


def test_a_jittered_slot_is_not_due_until_its_time(speaking_bot):
    make_due_schedule(speaking_bot, jitter_minutes=10)
    schedule = Schedule.objects.get(bot=speaking_bot)

    assert MONDAY_NOON <= schedule.next_run_at <= MONDAY_NOON + timedelta(minutes=10)
    early = run(speaking_bot, now=schedule.next_run_at - timedelta(seconds=1))
    assert (early.ran, early.message) == (False, "No slot is due.")
    assert run(speaking_bot, now=schedule.next_run_at).ran


def test_the_next_slot_shown_is_the_slot_that_runs(client, owner, speaking_bot):
    save_schedule(speaking_bot, every_minutes=60, jitter_minutes=30, time_zone="Asia/Tokyo")
    runs_at = Schedule.objects.get(bot=speaking_bot).next_run_at
    client.force_login(owner)

    page = client.get(reverse("bots:detail", args=[speaking_bot.pk])).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    shown = "D j M, H:i e"
    assert dateformat.format(runs_at.astimezone(ZoneInfo("Asia/Tokyo")), shown) in page
    assert dateformat.format(timezone.localtime(runs_at), shown) in dashboard
    assert slots.due_slots(runs_at - timedelta(seconds=1)) == []
    assert slots.due_slots(runs_at) == [speaking_bot.pk]


def test_a_bot_without_a_corpus_skips_its_slot_with_the_reason(bot):
    make_due_schedule(bot)

    outcome = run(bot, seed=8)

    assert not outcome.ran
    assert Activity.objects.filter(bot=bot, action="schedule.skipped").exists()
