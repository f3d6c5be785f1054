"""What the flock spends on X, end to end: a real worker and beat post, listen, reply and
reconcile through the sandbox over HTTP, and the month's spend Aviary kept matches the
sandbox's own bill, kind by kind, to the cent."""

from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from django.utils import timezone

from bots import spend
from bots.listener import save_listener
from bots.models import Bot, DailySpend
from platforms import client_for
from tests.integration.processes import start_beat, start_worker, wait_until
from tests.integration.world import approve_many, ready_corpus_for, sandbox_bot, set_faults
from tweets.models import Tweet
from xsandbox.billing import bill_by_kind

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAST = {
    "LISTEN_INTERVAL_SECONDS": 1,
    "SWEEP_INTERVAL_SECONDS": 1,
    "TWEET_LEASE_SECONDS": 3,
    "TWEET_RECONCILE_GRACE_SECONDS": 30,
    "TWEET_BACKOFF_BASE_SECONDS": 1,
    "TWEET_BACKOFF_MAX_SECONDS": 2,
    # Shorter than the sandbox's stall: a stalled post is left unknown, then reconciled.
    "X_API_READ_TIMEOUT": 2,
}


def aviary_bill(bots) -> dict[str, tuple[int, Decimal]]:
    rows = {}
    for row in DailySpend.objects.filter(bot__in=bots):
        calls, cost = rows.get(row.call, (0, Decimal("0")))
        rows[row.call] = (calls + row.calls, cost + row.cost_usd)
    return rows


def sandbox_bill(bots) -> dict[str, tuple[int, Decimal]]:
    kinds = bill_by_kind(handles=[bot.handle for bot in bots])["by_kind"]
    return {call: (row["calls"], Decimal(row["cost_usd"])) for call, row in kinds.items()}


def test_the_months_spend_matches_the_sandboxs_own_bill_to_the_cent(
    sandbox, settings, credential_keys, owner, tmp_path
):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    porch = sandbox_bot(name="Porch", handle="porch_bot", owners=[owner])
    hall = sandbox_bot(name="Hall", handle="hall_bot", owners=[owner])
    for bot in (porch, hall):
        ready_corpus_for(bot)
        save_listener(
            bot,
            by=owner,
            confirm_reply_rule=True,
            keywords=["door"],
            reply_mode=Bot.PostingMode.AUTOPILOT,
            max_replies_per_conversation=2,
            cooldown=timedelta(0),
        )
    set_faults(hall.handle, stall_next=1)
    processes = [
        start_worker(tmp_path / "worker.log", concurrency=2, **FAST),
        start_beat(tmp_path / "beat.log", tmp_path, **FAST),
    ]
    try:
        stalled, *_posts = approve_many(
            hall,
            ["Stored, but the answer stalled.", "A plain post.", "A post with example.com in it."],
        )
        client_for(porch).post("@hall_bot which door do you mean?")

        def settled():
            tweets = Tweet.objects.filter(bot__in=[porch, hall])
            replies = tweets.exclude(in_reply_to_post_id="")
            # Two replies each, then the conversation limit ends the exchange.
            return replies.count() == 4 and not tweets.exclude(state=Tweet.State.POSTED).exists()

        wait_until(settled, timeout=120, message="the posts, replies and reconcile never settled")
        # A few more rounds of listening read nothing new, and charge nothing.
        after = timezone.now()
        wait_until(
            lambda: all(bot.listener.checked_at > after for bot in Bot.objects.all()),
            timeout=30,
            message="the listeners stopped reading",
        )
    finally:
        for process in processes:
            process.stop()

    stalled.refresh_from_db()
    assert stalled.attempts.filter(outcome="reconciled").exists()
    ours, theirs = aviary_bill([porch, hall]), sandbox_bill([porch, hall])
    assert ours == theirs
    assert {"post", "post_with_url", "summoned_reply", "post_read", "user_read"} <= set(ours)
    assert "owned_read" in ours  # the reconcile read Hall's own timeline
    month = spend.spent_this_month([porch, hall], timezone.now())
    assert month == sum(cost for _calls, cost in theirs.values())
    assert month.quantize(Decimal("0.01")) == Decimal(bill_by_kind()["total_usd"]).quantize(
        Decimal("0.01")
    )
