"""The posting pipeline on the Mastodon sandbox: real workers, real Redis, the sandbox over
HTTP through MastodonClient. A worker killed while the instance stalls after storing a
status leaves it to the Idempotency-Key: the retry gets the first status back, and the
sandbox holds it once."""

import pytest
import redis

from tests.integration.processes import start_beat, start_worker, wait_until
from tests.integration.test_pipeline import FAST, settled
from tests.integration.world import approve_many, mastodon_sandbox_bot
from tweets.models import PostAttempt
from xsandbox.mastodon.accounts import set_faults
from xsandbox.models import MastodonAccount, MastodonStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MASTODON_FAST = {**FAST, "MASTODON_API_READ_TIMEOUT": 30}


@pytest.fixture
def processes(live_server, settings, credential_keys, tmp_path):
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    settings.MASTODON_SANDBOX_BASE_URL = f"{live_server.url}/xsandbox/mastodon"
    settings.XSANDBOX_STALL_SECONDS = 8
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    started = []

    class Processes:
        def worker(self, name="w1"):
            process = start_worker(tmp_path / f"{name}.log", name=name, **MASTODON_FAST)
            started.append(process)
            return process

        def beat(self):
            process = start_beat(tmp_path / "beat.log", tmp_path, **MASTODON_FAST)
            started.append(process)
            return process

        def logs(self):
            return "\n".join(process.log()[-2000:] for process in started)

    yield Processes()
    for process in started:
        process.stop()


def statuses_of(bot):
    account = MastodonAccount.objects.get(username=bot.handle.split("@")[0])
    return list(MastodonStatus.objects.filter(account=account).values_list("pk", "text"))


def test_a_worker_killed_during_an_accept_then_stall_posts_once_by_its_key(processes):
    bot = mastodon_sandbox_bot(name="Toots", username="toots")
    set_faults(MastodonAccount.objects.get(username="toots"), stall_next=1)
    worker = processes.worker("doomed")
    first, second = approve_many(bot, ["Stored, then the worker died.", "And the next toot."])
    wait_until(lambda: statuses_of(bot), timeout=20, message="the sandbox never stored it")
    worker.kill()

    processes.worker("rescuer")
    processes.beat()
    first, second = settled([first, second], processes=processes)
    assert (first.state, second.state) == ("posted", "posted")
    stored = statuses_of(bot)
    assert sorted(text for _, text in stored) == sorted([first.text, second.text])
    # The retry was answered by the key with the first status, not found on the timeline.
    assert first.x_post_id == str(113_000_000_000_000_000 + min(pk for pk, _ in stored))
    assert first.attempts.filter(outcome=PostAttempt.Outcome.POSTED).count() == 1
    assert not first.attempts.filter(outcome=PostAttempt.Outcome.RECONCILED).exists()


def test_thirty_toots_over_three_bots_post_exactly_once_with_two_workers(processes):
    bots = [mastodon_sandbox_bot(name=f"Flock {n}", username=f"flock_{n}") for n in range(3)]
    tweets = []
    for bot in bots:
        tweets += approve_many(bot, [f"Toot {n} of {bot.handle}, exactly once." for n in range(10)])
    processes.worker("w1")
    processes.worker("w2")
    tweets = settled(tweets, processes=processes)
    assert all(tweet.state == "posted" for tweet in tweets)
    assert len({tweet.x_post_id for tweet in tweets}) == 30
    for bot in bots:
        assert len(statuses_of(bot)) == 10
