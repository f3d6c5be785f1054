"""Budgets, credit and health with real worker and beat processes: a 402 pauses a bot's
posting without a pile of failures and resuming posts its queue once, in order; beat
expires a tweet whose slot passed and checks every bot's credentials."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from activity.models import Activity
from tests.factories import make_bot, make_tweet, make_user
from tests.integration.processes import wait_until
from tests.integration.test_pipeline import (  # noqa: F401 - the fixture, shared
    assert_posted_exactly_once,
    processes,
    settled,
)
from tests.integration.world import approve_many, sandbox_bot, set_faults
from tweets.models import PostAttempt, Tweet
from tweets.services import resume_posting

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# What the worker logs each time the minute sweep (every second here) has run.
SWEEP_DONE = re.compile(r"Task tweets\.tasks\.sweep_tweets\[[^\]]+\] succeeded")


def test_out_of_credit_pauses_posting_and_resuming_posts_the_queue_once(processes):  # noqa: F811
    bot = sandbox_bot(name="Spender", handle="spender")
    set_faults(bot.handle, credits_exhausted=True)
    worker = processes.worker("w1")
    processes.beat()
    tweets = approve_many(bot, [f"Paid post {n}." for n in range(3)])

    wait_until(
        lambda: type(bot).objects.filter(pk=bot.pk).exclude(out_of_credit_reason="").exists(),
        timeout=30,
        message="the 402 never paused the bot",
    )
    swept = worker.count(SWEEP_DONE)
    wait_until(
        lambda: worker.count(SWEEP_DONE) >= swept + 3,
        timeout=30,
        message="the sweep stopped running",
    )  # three sweeps since the pause: none of them may have tried again
    states = set(Tweet.objects.filter(bot=bot).values_list("state", flat=True))
    assert states == {"approved"}
    assert PostAttempt.objects.filter(tweet__bot=bot).count() == 1
    assert Activity.objects.filter(bot=bot, action="bot.out_of_credit").count() == 1

    set_faults(bot.handle, credits_exhausted=False)
    resume_posting(bot, by=make_user())
    tweets = settled(tweets, processes=processes)
    assert_posted_exactly_once([bot], tweets)
    order = list(Tweet.objects.filter(bot=bot).order_by("posted_at").values_list("pk", flat=True))
    assert order == sorted(order)


def test_beat_expires_a_missed_slot_and_checks_credentials(processes, credential_keys):  # noqa: F811
    good = sandbox_bot(name="Healthy", handle="healthy", is_active=False)
    revoked = make_bot(
        name="Revoked",
        handle="revoked",
        platform="sandbox",
        credentials={
            "consumer_key": "ck",
            "consumer_secret": "cs",
            "access_token": "at",
            "access_token_secret": "ats",
        },
    )
    slot = timezone.now() - timedelta(hours=1)
    missed = make_tweet(
        bot=good, text="Nobody posted me in time.", state="approved", scheduled_for=slot
    )
    processes.worker("w1")
    processes.beat(EXPIRY_INTERVAL_SECONDS=1, CREDENTIAL_CHECK_TICK_SECONDS=1)

    wait_until(
        lambda: Tweet.objects.filter(pk=missed.pk, state="expired").exists(),
        timeout=30,
        message="beat never expired the missed slot",
    )
    wait_until(
        lambda: (
            type(good).objects.filter(pk=revoked.pk).exclude(attention_reason="").exists()
            and type(good).objects.filter(pk=good.pk, credentials_checked_at__isnull=False).exists()
        ),
        timeout=30,
        message="beat never checked the credentials",
    )
    good.refresh_from_db()
    assert good.attention_reason == "" and good.credentials_error == ""
    missed.refresh_from_db()
    assert "Missed its slot" in missed.last_error
