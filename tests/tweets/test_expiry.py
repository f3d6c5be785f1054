"""Draft expiry: a tweet approved for a slot that passed without it going out, or a draft
left unapproved past its bot's max age, becomes expired with the reason, never posted late."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from bots.models import Bot
from tests.factories import make_tweet
from tweets import expiry, posting, services
from tweets.models import Tweet

NOW = timezone.make_aware(datetime(2026, 11, 20, 12, 0))


def slotted(bot, *, slot, **fields):
    fields.setdefault("text", "Approved for a slot")
    return make_tweet(
        bot=bot, state=Tweet.State.APPROVED, scheduled_for=slot, next_attempt_at=slot, **fields
    )


def test_a_tweet_whose_slot_passed_beyond_the_grace_expires_with_the_reason(bot, settings):
    settings.TWEET_SLOT_GRACE_MINUTES = 15
    missed = slotted(bot, slot=NOW - timedelta(minutes=16))
    in_grace = slotted(bot, slot=NOW - timedelta(minutes=14))
    unslotted = make_tweet(
        bot=bot, state=Tweet.State.APPROVED, next_attempt_at=NOW - timedelta(days=2)
    )

    assert expiry.expire_tweets(now=NOW) == {"missed_slots": 1, "old_drafts": 0}

    states = dict(Tweet.objects.values_list("pk", "state"))
    assert states[missed.pk] == "expired"
    assert states[in_grace.pk] == states[unslotted.pk] == "approved"
    missed.refresh_from_db()
    assert missed.last_error.startswith("Missed its slot: approved for Fri 20 Nov, 11:44")
    assert "not posted within 15 minutes" in missed.last_error
    logged = Activity.objects.get(action="tweet.expired")
    assert logged.tweet == missed and logged.actor_name == "schedule"


def test_a_tweet_being_retried_after_a_rate_limit_is_not_expired(bot):
    retrying = slotted(
        bot,
        slot=NOW - timedelta(hours=1),
        attempt_count=1,
        last_error="X's rate limit was reached (429).",
    )
    Tweet.objects.filter(pk=retrying.pk).update(next_attempt_at=NOW + timedelta(minutes=5))
    assert expiry.expire_tweets(now=NOW)["missed_slots"] == 0
    retrying.refresh_from_db()
    assert retrying.state == Tweet.State.APPROVED


def test_expiry_is_idempotent(bot):
    slotted(bot, slot=NOW - timedelta(hours=1))
    assert expiry.expire_tweets(now=NOW)["missed_slots"] == 1
    assert expiry.expire_tweets(now=NOW + timedelta(minutes=5))["missed_slots"] == 0
    assert Activity.objects.filter(action="tweet.expired").count() == 1


def test_the_claim_never_posts_a_tweet_past_its_slot(bot):
    late = slotted(bot, slot=NOW - timedelta(hours=2), text="Too late now")
    on_time = make_tweet(bot=bot, text="Post me", state="approved", next_attempt_at=NOW)

    claimed = posting.claim_next(bot.pk, now=NOW)

    assert claimed == on_time
    late.refresh_from_db()
    assert late.state == Tweet.State.EXPIRED and "Missed its slot" in late.last_error


def test_drafts_older_than_the_bots_max_age_expire(bot, owner):
    from tests.factories import make_bot

    bot.draft_max_age_hours = 48
    bot.save()
    keeper = make_bot(owners=[owner])
    old = make_tweet(bot=bot, text="Waited too long")
    fresh = make_tweet(bot=bot, text="Still fresh")
    forever = make_tweet(bot=keeper, text="No max age on this bot")
    Tweet.objects.filter(pk__in=[old.pk, forever.pk]).update(created_at=NOW - timedelta(hours=49))
    Tweet.objects.filter(pk=fresh.pk).update(created_at=NOW - timedelta(hours=47))

    assert expiry.expire_tweets(now=NOW) == {"missed_slots": 0, "old_drafts": 1}

    states = dict(Tweet.objects.values_list("pk", "state"))
    assert states == {old.pk: "expired", fresh.pk: "draft", forever.pk: "draft"}
    old.refresh_from_db()
    assert old.last_error == "Not approved within 48 hours (the bot's draft max age)."


def test_an_expired_tweet_can_be_posted_now_instead(bot, owner):
    tweet = slotted(bot, slot=NOW - timedelta(hours=1))
    expiry.expire_tweets(now=NOW)
    tweet.refresh_from_db()
    services.retry_tweet(tweet, by=owner)
    tweet.refresh_from_db()
    assert tweet.state == Tweet.State.APPROVED and tweet.scheduled_for is None
    assert expiry.expire_tweets(now=timezone.now())["missed_slots"] == 0


def test_the_expiry_task_runs_on_the_beat_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"tweets.tasks.expire_tweets", "bots.tasks.check_due_credentials"} <= tasks


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_history_shows_expired_tweets_with_their_reason(logged_in, bot):
    slotted(bot, slot=NOW - timedelta(hours=1), text="A slot nobody kept")
    expiry.expire_tweets(now=NOW)

    page = logged_in.get(reverse("tweets:history", args=[bot.pk]), {"state": "expired"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "A slot nobody kept" in html and "Expired" in html
    assert "Missed its slot: approved for" in html


def test_the_settings_form_takes_a_draft_max_age(logged_in, bot):
    response = logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {
            "handle": bot.handle,
            "platform": "sandbox",
            "posting_mode": "review",
            "daily_post_cap": 10,
            "draft_max_age_hours": "0",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "greater than or equal to 1" in response.content.decode()


def test_the_settings_form_refuses_a_draft_max_age_past_what_expiry_can_count(logged_in, bot):
    response = logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {
            "handle": bot.handle,
            "platform": "sandbox",
            "posting_mode": "review",
            "daily_post_cap": 10,
            "draft_max_age_hours": "20000000",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "less than or equal to 8760" in response.content.decode()
    bot.refresh_from_db()
    assert bot.draft_max_age_hours is None


def test_one_bots_huge_max_age_does_not_stop_another_bots_drafts_expiring(bot, owner):
    from tests.factories import make_bot

    huge = make_bot(owners=[owner])
    Bot.objects.filter(pk=huge.pk).update(draft_max_age_hours=20_000_000)  # from before the bound
    bot.draft_max_age_hours = 48
    bot.save()
    kept = make_tweet(bot=huge, text="Kept for ever, in effect")
    old = make_tweet(bot=bot, text="Waited too long")
    Tweet.objects.filter(pk__in=[kept.pk, old.pk]).update(created_at=NOW - timedelta(days=9000))

    assert expiry.expire_tweets(now=NOW) == {"missed_slots": 0, "old_drafts": 1}

    states = dict(Tweet.objects.values_list("pk", "state"))
    assert states == {kept.pk: "draft", old.pk: "expired"}
