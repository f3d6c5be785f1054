"""The posting pipeline's sweep and claim: which bots' queues move, and which tweets hold them."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_bot, make_tweet
from tweets import posting
from tweets.models import Tweet

State = Tweet.State


def test_the_sweep_finds_due_tweets_only_of_bots_that_may_post(bot, credential_keys):
    now = timezone.now()
    no_credentials = make_bot()
    make_tweet(bot=bot, state=State.APPROVED, next_attempt_at=now)
    make_tweet(bot=bot, state=State.APPROVED, next_attempt_at=now)
    make_tweet(bot=no_credentials, state=State.APPROVED, next_attempt_at=now)
    make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True)
    assert posting.sweep(now)["bots"] == [bot.pk]
    assert posting.claim_next(no_credentials.pk, now=now) is None


def test_the_sweep_turns_a_dead_lease_unknown_for_a_check(bot):
    now = timezone.now()
    dead = make_tweet(bot=bot, state=State.POSTING, lease_until=now - timedelta(seconds=1))
    alive = make_tweet(bot=bot, state=State.POSTING, lease_until=now + timedelta(minutes=1))
    found = posting.sweep(now)
    assert (found["expired"], found["reconcile"]) == (1, [dead.pk])
    dead.refresh_from_db()
    assert (dead.state, dead.lease_until, dead.updated_at) == (State.UNKNOWN, None, now)
    assert Tweet.objects.get(pk=alive.pk).state == State.POSTING


def test_a_tweet_being_sent_holds_the_bots_queue(bot):
    make_tweet(bot=bot, state=State.UNKNOWN, next_attempt_at=timezone.now())
    make_tweet(bot=bot, state=State.APPROVED)
    assert posting.claim_next(bot.pk) is None
