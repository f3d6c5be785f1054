"""People's actions on tweets: each allowed from the right states only, with clear refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from activity.models import Activity
from bots.models import Schedule
from tests.factories import make_image, make_tweet
from tweets import services
from tweets.models import Tweet

State = Tweet.State


@pytest.fixture
def draft(bot):
    return make_tweet(bot=bot, text="A perfectly good draft.")


def test_approve_queues_a_draft_now(draft, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.approve_tweet(draft, by=owner)
    draft.refresh_from_db()
    assert draft.state == State.APPROVED
    assert draft.approved_by == owner
    assert draft.next_attempt_at <= timezone.now()
    assert len(callbacks) == 1  # post_tweet is sent only once the approval is committed


def test_approve_for_a_time_does_not_enqueue_early(
    draft, owner, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks() as callbacks:
        services.approve_tweet(draft, by=owner, at=later)
    draft.refresh_from_db()
    assert draft.scheduled_for == later
    assert draft.next_attempt_at == later
    assert callbacks == []


def test_approve_for_a_past_time_is_refused(draft, owner):
    with pytest.raises(services.InvalidTransition, match="passed"):
        services.approve_tweet(draft, by=owner, at=timezone.now() - timedelta(hours=1))


def test_posted_tweet_cannot_be_approved_or_edited(bot, owner):
    tweet = make_tweet(bot=bot, state=State.POSTED, x_post_id="123")
    with pytest.raises(
        services.InvalidTransition, match="This tweet is posted, so it cannot be approved"
    ):
        services.approve_tweet(tweet, by=owner)
    with pytest.raises(services.InvalidTransition, match="cannot be edited"):
        services.edit_tweet(tweet, text="new words", by=owner)


def test_edit_revalidates_with_x_counting(draft, owner):
    with pytest.raises(services.InvalidText, match="limit is 280"):
        services.edit_tweet(draft, text="字" * 141, by=owner)  # 282 as X counts CJK
    services.edit_tweet(draft, text="  Shorter and better.  ", by=owner)
    draft.refresh_from_db()
    assert draft.text == "Shorter and better."


def test_empty_text_is_refused(draft, owner):
    with pytest.raises(services.InvalidText, match="needs some text"):
        services.edit_tweet(draft, text="   ", by=owner)


def test_reject_then_approve_is_refused(draft, owner):
    services.reject_tweet(draft, by=owner)
    assert Tweet.objects.get(pk=draft.pk).state == State.REJECTED
    with pytest.raises(services.InvalidTransition, match="rejected"):
        services.approve_tweet(draft, by=owner)


def test_two_approvals_at_once_only_one_wins(draft, owner):
    stale_copy = Tweet.objects.get(pk=draft.pk)
    services.approve_tweet(draft, by=owner)
    with pytest.raises(services.InvalidTransition):
        services.approve_tweet(stale_copy, by=owner)


def test_retry_requeues_a_failed_tweet_with_fresh_attempts(bot, owner):
    tweet = make_tweet(bot=bot, state=State.FAILED, attempt_count=6, last_error="boom")
    services.retry_tweet(tweet, by=owner)
    tweet.refresh_from_db()
    assert (tweet.state, tweet.attempt_count, tweet.last_error) == (State.APPROVED, 0, "")


@pytest.mark.parametrize("character", ["\ufeff", "\ufffe", "\uffff"])
def test_a_character_x_refuses_is_refused_before_it_reaches_x(draft, owner, character):
    with pytest.raises(services.InvalidText, match="character X refuses"):
        services.edit_tweet(draft, text=f"Hidden{character} inside", by=owner)
    with pytest.raises(services.InvalidText, match="character X refuses"):
        services.validate_text(f"{character}At the start")
    draft.refresh_from_db()
    assert draft.text == "A perfectly good draft."


def test_the_slot_releases_the_oldest_waiting_tweet_and_queues_it(
    bot, owner, django_capture_on_commit_callbacks
):
    now = timezone.now()
    older = make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True, approved_at=now)
    make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True, approved_at=now)
    with django_capture_on_commit_callbacks() as callbacks:
        released = services.release_waiting_tweet(bot, now=now)
    assert released == older and not released.awaits_slot
    assert list(Tweet.objects.due(now)) == [older]
    assert len(callbacks) == 1


# Settling an unknown tweet -------------------------------------------------------------


def test_a_person_marks_an_unknown_tweet_posted_with_its_post_on_x(sandbox_bot, owner):
    from activity.models import Activity
    from platforms import client_for

    post_id = client_for(sandbox_bot).post("Did this go out?")
    tweet = make_tweet(bot=sandbox_bot, text="Did this go out?", state=State.UNKNOWN)

    services.mark_tweet_posted(tweet, post_id=post_id, by=owner)

    tweet.refresh_from_db()
    assert (tweet.state, tweet.x_post_id) == (State.POSTED, post_id)
    entry = Activity.objects.get(action="tweet.marked_posted", tweet=tweet)
    assert entry.actor == owner and post_id in entry.message


def test_marking_posted_refuses_a_post_another_tweet_holds_or_not_the_bots(
    sandbox_bot, other_account, owner
):
    from tests.factories import make_sandbox_post

    held = make_tweet(bot=sandbox_bot, state=State.POSTED, x_post_id="1234567")
    tweet = make_tweet(bot=sandbox_bot, state=State.UNKNOWN)
    with pytest.raises(services.InvalidPost, match=f"tweet {held.pk}"):
        services.mark_tweet_posted(tweet, post_id="1234567", by=owner)
    someone_elses = make_sandbox_post(account=other_account, text="Not the bot's").post_id
    with pytest.raises(services.InvalidPost, match="not among"):
        services.mark_tweet_posted(tweet, post_id=someone_elses, by=owner)
    tweet.refresh_from_db()
    assert (tweet.state, tweet.x_post_id) == (State.UNKNOWN, "")


def test_marking_posted_takes_the_persons_word_when_the_timeline_cannot_be_read(
    bot, owner, settings
):
    settings.X_API_BASE_URL = settings.SANDBOX_BASE_URL = "http://127.0.0.1:9"  # refused at once
    tweet = make_tweet(bot=bot, state=State.UNKNOWN)
    services.mark_tweet_posted(tweet, post_id="99", by=owner)
    tweet.refresh_from_db()
    assert (tweet.state, tweet.x_post_id) == (State.POSTED, "99")


def test_not_on_x_queues_an_unknown_tweet_to_post_again(
    bot, owner, django_capture_on_commit_callbacks
):
    from activity.models import Activity

    tweet = make_tweet(bot=bot, state=State.UNKNOWN, last_error="Timeline refused.")
    with django_capture_on_commit_callbacks() as callbacks:
        services.post_tweet_again(tweet, by=owner)
    tweet.refresh_from_db()
    assert (tweet.state, tweet.last_error) == (State.APPROVED, "")
    assert len(callbacks) == 1
    assert Activity.objects.filter(action="tweet.posted_again", actor=owner).exists()
    with pytest.raises(services.InvalidTransition, match="cannot be posted again"):
        services.post_tweet_again(tweet, by=owner)


# The composer (compose_tweet) and the calendar's move (reschedule_tweet) ------------------


def test_compose_writes_a_manual_draft_for_review(bot, owner):
    tweet = services.compose_tweet(bot, text="  Written by hand.  ", by=owner)
    tweet.refresh_from_db()
    assert (tweet.state, tweet.source, tweet.text) == (State.DRAFT, "manual", "Written by hand.")
    assert Activity.objects.filter(action="tweet.composed", tweet_id=tweet.pk).exists()


def test_compose_and_approve_now_queues_the_post_on_commit(
    bot, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        tweet = services.compose_tweet(bot, text="Right away.", by=owner, approve=True)
    tweet.refresh_from_db()
    assert tweet.state == State.APPROVED
    assert tweet.next_attempt_at <= timezone.now()
    assert len(callbacks) == 1


def test_compose_for_a_time_waits_for_it(bot, owner, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks() as callbacks:
        tweet = services.compose_tweet(bot, text="Later.", by=owner, at=at)
    tweet.refresh_from_db()
    assert (tweet.state, tweet.scheduled_for, tweet.next_attempt_at) == (State.APPROVED, at, at)
    assert callbacks == []


def test_compose_keeps_the_post_it_answers_and_its_images(bot, owner):
    image = make_image(bot=bot, alt_text="A lamp")
    tweet = services.compose_tweet(
        bot, text="A reply.", by=owner, images=[image], in_reply_to_post_id="1234"
    )
    assert tweet.in_reply_to_post_id == "1234"
    assert list(tweet.images.all()) == [image]


def test_compose_refuses_a_text_over_the_networks_limit_and_writes_nothing(bot, owner):
    with pytest.raises(services.InvalidText, match="281 characters"):
        services.compose_tweet(bot, text="a" * 281, by=owner)
    assert not Tweet.objects.exists()


def test_compose_for_a_past_time_writes_nothing(bot, owner):
    with pytest.raises(services.InvalidTransition, match="passed"):
        services.compose_tweet(
            bot, text="Too late.", by=owner, at=timezone.now() - timedelta(hours=1)
        )
    assert not Tweet.objects.exists()


def test_reschedule_moves_a_queued_tweet_to_its_new_time(bot, owner):
    tweet = services.compose_tweet(
        bot, text="Moving.", by=owner, at=timezone.now() + timedelta(hours=1)
    )
    later = timezone.now() + timedelta(hours=5)
    services.reschedule_tweet(tweet, at=later, by=owner)
    tweet.refresh_from_db()
    assert (tweet.scheduled_for, tweet.next_attempt_at, tweet.awaits_slot) == (later, later, False)
    assert Activity.objects.filter(action="tweet.rescheduled", tweet_id=tweet.pk).exists()


def test_reschedule_refuses_a_draft_and_a_past_time(bot, owner, draft):
    with pytest.raises(services.InvalidTransition, match="draft, so it cannot be rescheduled"):
        services.reschedule_tweet(draft, at=timezone.now() + timedelta(hours=1), by=owner)
    with pytest.raises(services.InvalidTransition, match="passed"):
        services.reschedule_tweet(draft, at=timezone.now() - timedelta(hours=1), by=owner)
    draft.refresh_from_db()
    assert (draft.state, draft.scheduled_for) == (State.DRAFT, None)


def test_the_approval_note_names_the_bots_zone(bot, owner):
    Schedule.objects.create(bot=bot, time_zone="Europe/Paris", enabled=False)
    bot.refresh_from_db()
    at = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    tweet = make_tweet(bot=bot, state=State.APPROVED, scheduled_for=at)
    assert services.approval_note(tweet) == "Queued for Tue 1 Dec, 18:30 CET."
