"""Two bots that answer each other, with a real worker and beat and the sandbox over HTTP:
the exchange stops by itself at the conversation limit, a cooldown holds between the same
two accounts, and a conversation started after the cooldown is answered again."""

import time
from datetime import timedelta

import pytest
import redis
from django.db.models import Q
from django.utils import timezone

from autonomy.models import Mention
from bots.listener import save_listener
from bots.models import Bot, Listener
from platforms import client_for
from tests.integration.processes import start_beat, start_worker, wait_until
from tests.integration.world import (
    bluesky_sandbox_bot,
    mastodon_sandbox_bot,
    ready_corpus_for,
    sandbox_bot,
)
from tweets.models import Tweet
from xsandbox.bridge.accounts import set_bluesky_bridged, set_mastodon_bridged
from xsandbox.models import BlueskyAccount, MastodonAccount

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAST = {"LISTEN_INTERVAL_SECONDS": 1, "SWEEP_INTERVAL_SECONDS": 1}


@pytest.fixture
def pair(sandbox, settings, credential_keys, owner, tmp_path):
    """Two autopilot sandbox bots listening for "door", a worker and beat."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    bots = []
    for name in ("Porch", "Hall"):
        bot = sandbox_bot(name=name, handle=f"{name.lower()}_bot", owners=[owner])
        ready_corpus_for(bot)
        bots.append(bot)
    processes = [
        start_worker(tmp_path / "worker.log", concurrency=2, **FAST),
        start_beat(tmp_path / "beat.log", tmp_path, **FAST),
    ]
    yield bots
    for process in processes:
        process.stop()


@pytest.fixture
def bridged_pair(sandbox, settings, credential_keys, owner, tmp_path):
    """A Mastodon sandbox bot and a Bluesky sandbox bot on the sandbox's bridge, a worker
    and beat."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    settings.MASTODON_SANDBOX_BASE_URL = f"{sandbox.url}/xsandbox/mastodon"
    tide = mastodon_sandbox_bot(name="Tide", username="tide", owners=[owner])
    sky = bluesky_sandbox_bot(name="Sky", handle="sky.bsky.sandbox.test", owners=[owner])
    set_mastodon_bridged(MastodonAccount.objects.get(username="tide"), True, host="localhost")
    set_bluesky_bridged(BlueskyAccount.objects.get(did=sky.x_user_id), True)
    for bot in (tide, sky):
        ready_corpus_for(bot)
    processes = [
        start_worker(tmp_path / "worker.log", concurrency=2, **FAST),
        start_beat(tmp_path / "beat.log", tmp_path, **FAST),
    ]
    yield tide, sky
    for process in processes:
        process.stop()


def listen(bot, **limits):
    save_listener(
        bot,
        keywords=["door"],
        reply_mode=Bot.PostingMode.AUTOPILOT,
        confirm_reply_rule=True,
        **limits,
    )


def replies_in(conversation_id: str) -> int:
    return Mention.objects.filter(
        conversation_id=conversation_id, decision=Mention.Decision.REPLIED
    ).count()


def all_posted() -> bool:
    replies = Tweet.objects.exclude(in_reply_to_post_id="")
    return replies.exists() and not replies.exclude(state=Tweet.State.POSTED).exists()


def test_two_bots_stop_at_the_conversation_limit(pair):
    porch, hall = pair
    for bot in pair:
        listen(bot, cooldown=timedelta(0), max_replies_per_conversation=3)

    root = client_for(porch).post("@hall_bot which door do you mean?")

    stopped = wait_until(
        lambda: Mention.objects.filter(reason__contains="in this conversation").first(),
        timeout=90,
        message="the exchange did not reach its limit",
    )
    assert (stopped.bot, stopped.reason) == (
        hall,
        "already replied 3 times in this conversation (limit 3)",
    )
    wait_until(all_posted, timeout=30, message="replies were not all posted")
    settled_at = timezone.now()
    wait_until(
        lambda: (
            not Listener.objects.filter(
                Q(checked_at__isnull=True) | Q(checked_at__lt=settled_at + timedelta(seconds=3))
            ).exists()
        ),
        timeout=30,
        message="the listeners stopped reading",
    )  # three more listening rounds of both bots: nothing new may happen in them
    assert replies_in(root) == 6
    assert Mention.objects.filter(bot=porch, decision="replied").count() == 3
    assert Mention.objects.filter(bot=hall, decision="replied").count() == 3
    assert Tweet.objects.filter(state=Tweet.State.POSTED).count() == 6
    assert Mention.objects.count() == 7


def test_the_cooldown_stops_an_exchange_and_a_later_conversation_is_answered(pair):
    porch, hall = pair
    cooldown = timedelta(seconds=15)
    for bot in pair:
        listen(bot, cooldown=cooldown, max_replies_per_conversation=3)

    first = client_for(porch).post("@hall_bot the door again")
    wait_until(
        lambda: Mention.objects.filter(bot=hall, reason__contains="cooldown").exists(),
        timeout=60,
        message="the cooldown never stopped the exchange",
    )
    assert replies_in(first) == 2  # Hall answered, Porch answered back, Hall waits

    second = client_for(porch).post("@hall_bot another door, straight away")
    skipped = wait_until(
        lambda: Mention.objects.filter(bot=hall, post_id=second).first(), timeout=30
    )
    assert skipped.decision == Mention.Decision.SKIPPED
    assert "cooldown" in skipped.reason

    replied = Mention.objects.get(bot=hall, conversation_id=first, decision="replied")
    time.sleep(max(0, (replied.received_at + cooldown - timezone.now()).total_seconds()) + 1)
    third = client_for(porch).post("@hall_bot a third door, later")
    answered = wait_until(
        lambda: Mention.objects.filter(bot=hall, post_id=third).first(), timeout=30
    )
    assert answered.decision == Mention.Decision.REPLIED, answered.reason
    wait_until(
        lambda: Tweet.objects.filter(pk=answered.reply_id, state=Tweet.State.POSTED).exists(),
        timeout=30,
    )


def test_a_mastodon_bot_and_a_bluesky_bot_answer_each_other_across_the_bridge(bridged_pair):
    tide, sky = bridged_pair
    for bot in bridged_pair:
        listen(bot)

    opener = client_for(tide).post("@sky.bsky.sandbox.test@bsky.brid.gy which door?")

    # Sky answers the bridged opener, Tide the bridged answer; Sky's next answer to the same
    # account waits out the cooldown, and the exchange stops by itself.
    try:
        stopped = wait_until(
            lambda: Mention.objects.filter(reason__contains="cooldown").first(),
            timeout=180,
        )
    except TimeoutError:
        decided = Mention.objects.values_list("bot__name", "decision", "reason", "text")
        tweets = Tweet.objects.values_list("bot__name", "state", "last_error", "text")
        raise AssertionError(
            f"the exchange across the bridge did not stop at the cooldown: mentions "
            f"{list(decided)}, tweets {list(tweets)}"
        ) from None
    assert stopped.bot == sky
    wait_until(all_posted, timeout=30, message="the replies were not all posted")
    replied = Mention.objects.filter(decision=Mention.Decision.REPLIED)
    assert sorted(replied.values_list("bot__name", flat=True)) == ["Sky", "Tide"]
    assert replied.get(bot=tide).conversation_id == opener
