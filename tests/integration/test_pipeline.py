"""The posting pipeline end to end: real PostgreSQL, real Redis, real Celery worker
processes, the sandbox over HTTP through XClient. Every approved tweet is posted exactly
once, through killed workers, a flushed broker and a flaky API."""

import pytest
import redis

from tests.integration.processes import start_beat, start_worker, wait_until
from tests.integration.world import approve_many, sandbox_bot, sandbox_timeline, set_faults
from tweets.models import PostAttempt, Tweet

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Short leases and grace periods, so that recovery takes seconds in a test, not minutes.
FAST = {
    "TWEET_LEASE_SECONDS": 3,
    "TWEET_RECONCILE_GRACE_SECONDS": 2,
    "TWEET_BACKOFF_BASE_SECONDS": 1,
    "TWEET_BACKOFF_MAX_SECONDS": 2,
    "TWEET_MAX_TRANSIENT_ATTEMPTS": 20,
    "SWEEP_INTERVAL_SECONDS": 1,
    "X_API_READ_TIMEOUT": 30,
}


@pytest.fixture
def processes(live_server, settings, credential_keys, tmp_path):
    """Start workers and beat on demand; all are stopped at the end of the test."""
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    settings.XSANDBOX_STALL_SECONDS = 8
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    started = []

    class Processes:
        def worker(self, name="w1", **env):
            process = start_worker(tmp_path / f"{name}.log", name=name, **{**FAST, **env})
            started.append(process)
            return process

        def beat(self, **env):
            process = start_beat(tmp_path / "beat.log", tmp_path, **{**FAST, **env})
            started.append(process)
            return process

        def logs(self):
            return "\n".join(process.log()[-2000:] for process in started)

    yield Processes()
    for process in started:
        process.stop()


# A phrase of each bot's own, so no two bots' texts are alike (tweets.novelty).
PLACES = ["under the old pier", "over the far hill", "by the mill race", "past the lighthouse"]


def flock(count=3):
    return [sandbox_bot(name=f"Pipeline {n}", handle=f"pipeline_{n}") for n in range(count)]


def settled(tweets, timeout=60, processes=None):
    ids = [tweet.pk for tweet in tweets]

    def all_done():
        states = Tweet.objects.filter(pk__in=ids).values_list("state", flat=True)
        return all(state in {"posted", "failed"} for state in states)

    try:
        wait_until(all_done, timeout=timeout)
    except TimeoutError:
        states = list(Tweet.objects.filter(pk__in=ids).values_list("pk", "state", "last_error"))
        logs = processes.logs() if processes else ""
        raise AssertionError(f"not settled: {states}\n{logs}") from None
    return list(Tweet.objects.filter(pk__in=ids).order_by("pk"))


def assert_posted_exactly_once(bots, tweets):
    assert all(tweet.state == "posted" for tweet in tweets), [
        (t.pk, t.state, t.last_error) for t in tweets if t.state != "posted"
    ]
    assert len({tweet.x_post_id for tweet in tweets}) == len(tweets)
    for bot in bots:
        ours = {t.x_post_id: t.text for t in tweets if t.bot_id == bot.pk}
        timeline = sandbox_timeline(bot)
        assert timeline == ours, f"{bot.handle}: Aviary and the sandbox disagree"


def test_thirty_tweets_over_three_bots_post_exactly_once(processes):
    bots = flock()
    tweets = []
    for bot in bots:
        tweets += approve_many(
            bot, [f"Tweet {n} of {bot.handle}, exactly once." for n in range(10)]
        )
    processes.worker("w1")
    processes.worker("w2")
    tweets = settled(tweets, processes=processes)
    assert_posted_exactly_once(bots, tweets)
    assert PostAttempt.objects.filter(tweet__in=tweets, outcome="posted").count() == 30
    for bot in bots:
        order = list(
            Tweet.objects.filter(bot=bot).order_by("posted_at").values_list("pk", flat=True)
        )
        assert order == sorted(order), "a bot posts its queue in order"


def test_worker_killed_while_its_call_waits_and_x_never_stores_it_loses_nothing(processes):
    (bot,) = flock(1)
    # The call waits in the sandbox, then fails before anything is stored.
    set_faults(bot.handle, latency_ms=6000, error_rate=1.0)
    worker = processes.worker("doomed")
    (tweet,) = approve_many(bot, ["Claimed, then the worker died."])
    wait_until(lambda: Tweet.objects.get(pk=tweet.pk).state == "posting", timeout=20)
    started = PostAttempt.objects.get(tweet=tweet)
    assert started.outcome == "" and started.finished_at is None, "the claim records the call"
    worker.kill()
    set_faults(bot.handle, reset=True)

    processes.worker("rescuer")
    processes.beat()
    (tweet,) = settled([tweet], processes=processes)
    assert_posted_exactly_once([bot], [tweet])
    assert tweet.attempts.filter(outcome="posted").count() == 1


def test_worker_killed_while_the_sandbox_stalls_after_storing(processes):
    (bot,) = flock(1)
    set_faults(bot.handle, stall_next=1)
    worker = processes.worker("doomed")
    first, second = approve_many(bot, ["Stored, but the answer never came.", "And the next one."])
    wait_until(lambda: sandbox_timeline(bot), timeout=20, message="the sandbox never stored it")
    worker.kill()
    assert Tweet.objects.get(pk=first.pk).state == "posting"

    processes.worker("rescuer")
    processes.beat()
    tweets = settled([first, second], processes=processes)
    assert_posted_exactly_once([bot], tweets)
    assert first.attempts.filter(outcome="reconciled").exists()


def test_flushed_broker_loses_no_approved_tweet(processes, settings):
    bots = flock(2)
    tweets = []
    # Each bot its own words: X refuses nearly identical text across accounts.
    for bot, place in zip(bots, PLACES, strict=False):
        tweets += approve_many(bot, [f"Queued before the flush {n}, {place}." for n in range(5)])
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert broker.llen("celery") == 2, "one message waits per bot"
    broker.flushdb()

    processes.worker("w1")
    processes.beat()
    tweets = settled(tweets, processes=processes)
    assert_posted_exactly_once(bots, tweets)


def test_flaky_sandbox_still_posts_everything_once(processes):
    bots = flock(3)
    for bot in bots:
        set_faults(bot.handle, error_rate=0.3, rate_limit_burst=2, latency_ms=100)
    tweets = []
    for bot, place in zip(bots, PLACES, strict=False):
        tweets += approve_many(bot, [f"Through the storm {n}, {place}." for n in range(6)])
    processes.worker("w1", concurrency=2)
    processes.beat()
    tweets = settled(tweets, timeout=120, processes=processes)
    assert_posted_exactly_once(bots, tweets)
    outcomes = set(PostAttempt.objects.filter(tweet__in=tweets).values_list("outcome", flat=True))
    assert "rate_limited" in outcomes
    assert outcomes & {"transient", "ambiguous"}
    assert PostAttempt.objects.filter(tweet__in=tweets).count() > len(tweets)


def test_bad_credentials_fail_one_bot_clearly_and_spare_the_others(processes):
    good, bad = flock(2)
    bad.set_credentials(consumer_secret="not-the-real-secret")
    bad.save()
    good_tweets = approve_many(good, [f"Good bot speaks {n}." for n in range(3)])
    bad_tweets = approve_many(bad, [f"Bad bot tries {n}." for n in range(3)])
    processes.worker("w1")
    good_tweets = settled(good_tweets, processes=processes)
    assert_posted_exactly_once([good], good_tweets)

    wait_until(
        lambda: Tweet.objects.filter(pk=bad_tweets[0].pk, state="failed").exists(), timeout=20
    )
    bad.refresh_from_db()
    failed = Tweet.objects.get(pk=bad_tweets[0].pk)
    assert "credentials" in failed.last_error.lower() or "401" in failed.last_error
    assert bad.attention_reason
    # The rest wait, queued, for a person to fix the credentials: nothing is lost or sent.
    waiting = Tweet.objects.filter(pk__in=[t.pk for t in bad_tweets[1:]])
    assert set(waiting.values_list("state", flat=True)) == {"approved"}
    assert not PostAttempt.objects.filter(tweet__in=waiting).exists()
