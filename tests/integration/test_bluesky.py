"""Bluesky through the whole pipeline with real worker processes: posts go out once each
over several workers, a worker killed while the sandbox stalls after storing a post leaves
exactly one record (the retry's rkey finds it), and the bot signs in once for all of it."""

import pytest

from tests.integration.processes import wait_until
from tests.integration.test_pipeline import (  # noqa: F401 - the fixture, shared
    assert_posted_exactly_once,
    processes,
    settled,
)
from tests.integration.world import approve_many, bluesky_sandbox_bot
from tweets.models import Tweet
from xsandbox.models import BlueskyAccount, BlueskyRecord, BlueskySession

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

POST = "app.bsky.feed.post"


def test_bluesky_tweets_post_exactly_once_over_two_workers_with_one_sign_in(processes):  # noqa: F811
    bots = [
        bluesky_sandbox_bot(name=f"Sky {n}", handle=f"sky{n}.bsky.sandbox.test") for n in range(2)
    ]
    tweets = []
    for bot in bots:
        tweets += approve_many(bot, [f"Skeet {n} of {bot.handle}, once." for n in range(6)])
    processes.worker("w1")
    processes.worker("w2")
    tweets = settled(tweets, processes=processes)
    assert_posted_exactly_once(bots, tweets)
    for bot in bots:
        account = BlueskyAccount.objects.get(did=bot.x_user_id)
        assert account.records.filter(collection=POST).count() == 6
        # Two workers may each sign in before the first session is kept; never one per post.
        assert account.sessions.filter(signed_in=True).count() <= 2


def test_a_worker_killed_during_an_accept_then_stall_leaves_one_record(processes):  # noqa: F811
    bot = bluesky_sandbox_bot(name="Stalled sky", handle="stalled.bsky.sandbox.test")
    account = BlueskyAccount.objects.get(did=bot.x_user_id)
    BlueskyAccount.objects.filter(pk=account.pk).update(stall_next=1)
    worker = processes.worker("doomed")
    first, second = approve_many(bot, ["Stored, but the answer never came.", "And the next."])
    wait_until(
        lambda: BlueskyRecord.objects.filter(account=account).exists(),
        timeout=30,
        message="the sandbox never stored it",
    )
    worker.kill()
    assert Tweet.objects.get(pk=first.pk).state == "posting"

    processes.worker("rescuer")
    processes.beat()
    tweets = settled([first, second], processes=processes)
    assert_posted_exactly_once([bot], tweets)
    records = BlueskyRecord.objects.filter(account=account, collection=POST)
    assert records.count() == 2
    assert records.filter(value__text=first.text).count() == 1
    assert tweets[0].x_post_id == records.get(value__text=first.text).uri
    assert BlueskySession.objects.filter(account=account, signed_in=True).count() == 1
