"""Posting throughput and cost: `python -m bench.pipeline [--tweets 400] [--bots 10]
[--platform sandbox|mastodon_sandbox|bluesky_sandbox]`.

Starts the site (gunicorn, DEBUG off, serving the sandbox) and Celery workers, 2 then 4,
against a PostgreSQL database of its own and Redis database 14. For each worker count,
once every process is up: a no-op task's throughput and CPU (the ceiling Celery and Redis
allow), then posting: tweets written first, approved in one transaction and timed from the
commit that sends their messages to the last `posted`, with the CPU each process used
(workers, gunicorn, the PostgreSQL backends of each, this bench), the post_tweet tasks run
per tweet and the database connections the workers opened. Then, in this process: the SQL
statements and transactions of one post, and the claim, budget check and novelty check of a
bot with 100 posts against one with 100,000 posts and 10,000 drafts. Prints the figures,
posts a second and worker CPU a post on the network posted to, the targets and whether each
held (worker CPU a post is issue 19's target on X's sandbox only); exits 1 when one was
missed.
"""

# Django and the site's modules are imported inside functions: the parent process runs
# before Django is configured, and each child configures it (the bench's own database,
# DEBUG off) before any model may load.

import argparse
import contextlib
import functools
import os
import secrets
import statistics
import sys
import time
from datetime import UTC, timedelta
from decimal import Decimal

from cryptography.fernet import Fernet

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aviary_bench_pipeline"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
NOOP_KEY = "aviary:bench:noop"
RUNS_KEY = "aviary:bench:post_tweet_runs"
APP_NAMES = {"worker": "aviary-bench-worker", "web": "aviary-bench-web"}

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.update(
    DATABASE_URL=DATABASE_URL,
    CELERY_BROKER_URL=BROKER_URL,
    ENV_FILE="var/bench.env",
    DEBUG="false",
    XSANDBOX_ENABLED="true",
    SECURE_SSL_REDIRECT="false",
    ALLOWED_HOSTS="127.0.0.1,localhost",
)
# The workers import this module too (--include): they keep the name they were started with.
os.environ.setdefault("PGAPPNAME", "aviary-bench")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CREDENTIALS_KEYS", Fernet.generate_key().decode())

import django  # noqa: E402
import redis  # noqa: E402
from celery import shared_task  # noqa: E402
from celery.signals import task_prerun  # noqa: E402

from bench.processes import (  # noqa: E402
    answers,
    celery_worker,
    children,
    cpu_seconds,
    free_port,
    percentile,
    reset_database,
    stop,
    tree,
    wait_for,
    web,
)

GUNICORN_WORKERS = 4
TARGETS = {
    "statements": 12,
    "transactions": 2,
    "worker_cpu_ms": 25.0,
    "tasks_per_tweet": 1.05,
    "flat_ratio": 1.5,
}


@functools.cache
def broker() -> redis.Redis:
    """One connection per process, reused by every no-op task and count."""
    return redis.Redis.from_url(BROKER_URL)


@shared_task(name="bench.pipeline.noop")
def noop(sent_at: float) -> None:
    """The baseline: a task that only notes when it ran."""
    broker().rpush(NOOP_KEY, f"{sent_at} {time.time()}")


@task_prerun.connect
def _count_post_tweet(sender=None, **kwargs):
    if getattr(sender, "name", "") == "tweets.tasks.post_tweet":
        broker().incr(RUNS_KEY)


def backends(kind: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend of the bench database that serves
    `kind` (workers or the web server), by pid."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            [APP_NAMES[kind]],
        )
        return {pid: cpu_seconds(pid) for (pid,) in cursor.fetchall()}


class CpuMeter:
    """CPU time used between start() and stop() by each group of processes."""

    def __init__(self, workers, site):
        self.groups = {
            "worker": lambda: {pid: cpu_seconds(pid) for w in workers for pid in tree(w.pid)},
            "gunicorn": lambda: {pid: cpu_seconds(pid) for pid in tree(site.pid)},
            "pg (worker)": lambda: backends("worker"),
            "pg (web)": lambda: backends("web"),
            "bench": lambda: {os.getpid(): cpu_seconds(os.getpid())},
        }

    def start(self):
        self.before = {name: sample() for name, sample in self.groups.items()}

    def stop(self) -> dict[str, float]:
        used = {}
        for name, sample in self.groups.items():
            after = sample()
            used[name] = sum(
                after[pid] - self.before[name].get(pid, 0.0) for pid in after if after[pid]
            )
        return used


def wait_for_workers(count: int) -> None:
    from project.celery import app

    wait_for(lambda: len(app.control.ping(timeout=0.5)) >= count, 60, "the workers", every=0.5)


def wait_for_site(port: int, site) -> None:
    import urllib.error
    import urllib.request

    wait_for(lambda: answers(port), 30, "the web server", every=0.2)
    wait_for(
        lambda: len(children(site.pid)) >= GUNICORN_WORKERS, 30, "gunicorn's workers", every=0.2
    )
    # Every worker answers once it has imported the site: ask more times than there are.
    for _ in range(GUNICORN_WORKERS * 4):
        # A 401 (no OAuth) is an answer: the worker is up.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/xsandbox/2/users/me", timeout=30)


def queue_drained() -> bool:
    return broker().llen("celery") == 0 and broker().hlen("unacked") == 0


def bench_noop(count: int, meter: CpuMeter) -> dict:
    broker().delete(NOOP_KEY)
    meter.start()
    started = time.time()
    for _ in range(count):
        noop.delay(time.time())
    wait_for(lambda: broker().llen(NOOP_KEY) >= count, 120, "the no-op tasks", every=0.1)
    used = meter.stop()
    rows = [tuple(map(float, row.split())) for row in broker().lrange(NOOP_KEY, 0, -1)]
    finished = max(ran for _, ran in rows)
    latencies = [(ran - sent) * 1000 for sent, ran in rows]
    return {
        "per_second": count / (finished - started),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "cpu_ms": {name: seconds * 1000 / count for name, seconds in used.items()},
    }


def sandbox_flock(bots: int, prefix: str, platform: str = "sandbox") -> list:
    """`bots` bots on the sandbox `platform`: X's, the Mastodon sandbox or Bluesky's PDS."""
    from bots.models import Bot
    from xsandbox.accounts import credentials_of, ensure_account
    from xsandbox.bluesky.accounts import ensure_account as ensure_bluesky_account
    from xsandbox.mastodon import accounts as mastodon

    flock = []
    for n in range(bots):
        handle = f"{prefix}_{n}"
        bot = Bot(name=f"Bench {handle}", handle=handle, platform=platform, daily_post_cap=10_000)
        if platform == "mastodon_sandbox":
            account = mastodon.ensure_account(handle)[0]
            bot.handle, bot.x_user_id = f"{handle}@127.0.0.1", account.account_id
            bot.set_credentials(access_token=mastodon.issue_token(account))
        elif platform == "bluesky_sandbox":
            account, app_password = ensure_bluesky_account(f"{prefix}-{n}.bsky.sandbox.test")
            bot.handle, bot.x_user_id = account.handle, account.did
            bot.set_credentials(app_password=app_password)
        else:
            bot.set_credentials(**credentials_of(ensure_account(handle)[0]))
        bot.save()
        flock.append(bot)
    return flock


def own_words(opening: str) -> str:
    """A text no other tweet of any run nearly repeats (X's flock rule refuses near-identical
    texts across accounts; tweets.novelty): `opening` and six random words."""
    return " ".join([f"{opening}:", *(secrets.token_hex(3) for _ in range(6))]) + "."


def bench_posting(count: int, flock: list, meter: CpuMeter) -> dict:
    from django.db import connection, transaction

    from tweets import services
    from tweets.models import Tweet

    tweets = Tweet.objects.bulk_create(
        Tweet(bot=flock[i % len(flock)], text=own_words(f"Benchmark post {i}"))
        for i in range(count)
    )
    ids = [tweet.pk for tweet in tweets]
    broker().delete(RUNS_KEY)
    seen_backends = set()
    meter.start()
    started = {}
    with transaction.atomic():
        # The first callback after the commit: the moment the messages start to go out.
        transaction.on_commit(lambda: started.setdefault("at", time.time()))
        for tweet in tweets:
            services.approve_tweet(tweet, by=None)

    def all_posted():
        seen_backends.update(backends("worker"))
        return Tweet.objects.filter(pk__in=ids, state="posted").count() == count

    wait_for(all_posted, 600, "every tweet to be posted", every=0.25)
    used = meter.stop()
    rows = Tweet.objects.filter(pk__in=ids).values_list("approved_at", "posted_at")
    finished = max(posted for _, posted in rows).timestamp()
    latencies = [(posted - approved).total_seconds() * 1000 for approved, posted in rows]
    wait_for(queue_drained, 60, "the queue to drain", every=0.25)
    connection.close()
    return {
        "per_second": count / (finished - started["at"]),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "cpu_ms": {name: seconds * 1000 / count for name, seconds in used.items()},
        "tasks_per_tweet": int(broker().get(RUNS_KEY) or 0) / count,
        "worker_connections": len(seen_backends),
    }


def run_phase(workers: int, args, env, site) -> dict:
    processes = [
        celery_worker(n, {**env, "PGAPPNAME": APP_NAMES["worker"]}, "--include=bench.pipeline")
        for n in range(workers)
    ]
    try:
        wait_for_workers(workers)
        meter = CpuMeter(processes, site)
        baseline = bench_noop(args.noops, meter)
        flock = sandbox_flock(args.bots, prefix=f"w{workers}", platform=args.platform)
        posting = bench_posting(args.tweets, flock, meter)
    finally:
        stop(processes)
    return {"noop": baseline, "posting": posting}


def one_post_measured() -> tuple[int, int]:
    """The SQL statements (BEGIN and COMMIT apart) and transactions of one post in the
    common path, counted as tests/tweets/test_tasks.py counts them."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tweets import services, tasks
    from tweets.models import Tweet

    (bot,) = sandbox_flock(1, prefix="measured")
    bot.monthly_budget_usd = Decimal("100")
    bot.save()
    tweets = [Tweet.objects.create(bot=bot, text=own_words(f"Counted post {n}")) for n in range(3)]
    for tweet in tweets:
        services.approve_tweet(tweet, by=None)
    tasks.post_tweet(tweets[0].pk)
    transactions = {"count": 0, "open": False}

    def count(execute, sql, params, many, context):
        if not connection.in_atomic_block:
            transactions["count"] += 1
        elif not transactions["open"]:
            transactions.update(count=transactions["count"] + 1, open=True)
            transaction.on_commit(lambda: transactions.update(open=False))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(count):
        tasks.post_tweet(tweets[1].pk)
    assert Tweet.objects.get(pk=tweets[1].pk).state == "posted"
    statements = [q for q in captured.captured_queries if q["sql"] not in {"BEGIN", "COMMIT"}]
    return len(statements), transactions["count"]


def seed_history(bot, *, posts: int, drafts: int, days: int) -> None:
    """`posts` posts spread evenly over the last `days` days and `drafts` drafts, in bulk,
    with each day's spend counted as the outcome would have."""
    from django.db import connection
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from bots.models import DailySpend
    from tweets.models import Tweet
    from tweets.novelty import index_missing

    now = timezone.now()
    step = timedelta(days=days) / max(posts, 1)
    rows = [
        Tweet(
            bot=bot,
            text=f"Post {n} of {bot.handle}: the speckled band, chapter {n % 97}.",
            state="posted",
            posted_at=now - step * (n + 1),
            x_post_id=f"{bot.pk}{n:07d}",
            cost_usd=Decimal("0.015"),
        )
        for n in range(posts)
    ]
    rows += [Tweet(bot=bot, text=f"Draft {n} of {bot.handle}, waiting.") for n in range(drafts)]
    Tweet.objects.bulk_create(rows, batch_size=5000)
    spend = (
        Tweet.objects.filter(bot=bot, state="posted")
        .annotate(day=TruncDate("posted_at", tzinfo=UTC))
        .values("day")
        .annotate(spent=Sum("cost_usd"), posts=Count("pk"))
        .order_by()
    )
    DailySpend.objects.bulk_create(
        DailySpend(bot=bot, day=row["day"], call="post", calls=row["posts"], cost_usd=row["spent"])
        for row in spend
    )
    # Rows written in bulk have their word pairs indexed as the next novelty check would.
    index_missing(bot)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tweets_tweet")
        cursor.execute("VACUUM ANALYZE tweets_tweetshingle")


def timed_in_turns(functions: dict, repeats: int = 30) -> dict:
    """The median milliseconds of each of `functions` (name -> function), called in turns,
    one call of each a round, so that a moment's load on the machine falls on them all."""
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            began = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - began) * 1000)
    return {name: statistics.median(each) for name, each in times.items()}


def bench_flat() -> dict:
    """The claim, the budget check (the claim's head-of-queue query, which carries the cap
    and budget figures) and novelty for a bot with 100 posts and one with 100,000, each
    check timed in turns on the two bots."""
    from django.utils import timezone

    from bots.models import Bot
    from tweets import novelty, posting, queue_head, services
    from tweets.models import PostAttempt, Tweet
    from tweets.states import move_tweet

    small, busy = sandbox_flock(2, prefix="history")
    for bot in (small, busy):
        bot.daily_post_cap = 3000
        bot.monthly_budget_usd = Decimal("100000")
        bot.save()
    seed_history(small, posts=100, drafts=0, days=45)
    seed_history(busy, posts=100_000, drafts=10_000, days=45)
    checks = {"claim": {}, "budget check": {}, "novelty index": {}, "novelty check": {}}
    for name, bot in (("small", small), ("busy", busy)):
        queued = services.approve_tweet(
            Tweet.objects.create(bot=bot, text=own_words("Next in the queue")), by=None
        )

        def claim_and_undo(bot=bot, queued=queued):
            claimed = posting.claim_next(bot.pk)
            assert claimed == queued, f"the claim refused: {Bot.objects.get(pk=bot.pk).budget_hold}"
            PostAttempt.objects.filter(tweet=queued).delete()
            move_tweet(claimed, Tweet.State.APPROVED, expect={Tweet.State.POSTING})

        index = novelty.index_for(bot)
        checks["claim"][name] = claim_and_undo
        checks["budget check"][name] = lambda bot=bot: queue_head.head_of_queue(bot, timezone.now())
        checks["novelty index"][name] = lambda bot=bot: novelty.index_for(bot)
        checks["novelty check"][name] = lambda index=index: index.similarity(
            "The speckled band, chapter 12, again."
        )
    repeats = {"novelty index": 5, "novelty check": 200}
    timings = {
        check: timed_in_turns(functions, repeats.get(check, 30))
        for check, functions in checks.items()
    }
    return {
        name: {check: figures[name] for check, figures in timings.items()}
        for name in ("small", "busy")
    }


def held(ok: bool) -> str:
    return "held" if ok else "MISSED"


def report(phases: dict, statements: int, transactions: int, flat: dict, args) -> bool:
    from platforms import label_of

    network = label_of(args.platform)
    results = []
    print(f"{args.tweets} tweets over {args.bots} bots on {network} per run; DEBUG off")
    for workers, phase in phases.items():
        noop, posting = phase["noop"], phase["posting"]
        print(f"\n{workers} workers{'':19} {'per second':>11} {'p50 ms':>9} {'p99 ms':>9}")
        for label, row in (("no-op task (baseline)", noop), ("approve -> posted", posting)):
            print(f"{label:28} {row['per_second']:11.1f} {row['p50_ms']:9.1f} {row['p99_ms']:9.1f}")
        print(f"{'CPU ms per task / post':28} " + "  ".join(f"{k:>11}" for k in posting["cpu_ms"]))
        for label, row in (("no-op task", noop), ("post", posting)):
            print(f"{label:28} " + "  ".join(f"{v:11.1f}" for v in row["cpu_ms"].values()))
        worker_cpu = posting["cpu_ms"]["worker"]
        ratio = worker_cpu / noop["cpu_ms"]["worker"]
        print(f"worker CPU a post: {worker_cpu:.1f} ms = {ratio:.1f} no-op tasks")
        print(
            f"post_tweet tasks per tweet: {posting['tasks_per_tweet']:.3f}; database connections "
            f"opened by the workers: {posting['worker_connections']} for {workers} processes"
        )
        if args.platform == "sandbox":
            # Issue 19's target is a post to X's sandbox; the other networks' are reported.
            results.append(
                (
                    f"worker CPU a post <= {TARGETS['worker_cpu_ms']} ms ({workers} workers)",
                    worker_cpu <= TARGETS["worker_cpu_ms"],
                )
            )
        results += [
            (
                f"one task per tweet (<= {TARGETS['tasks_per_tweet']}, {workers} workers)",
                posting["tasks_per_tweet"] <= TARGETS["tasks_per_tweet"],
            ),
            (
                f"connections kept across tasks ({workers} workers)",
                posting["worker_connections"] <= workers,
            ),
        ]
    print(f"\none post: {statements} SQL statements, {transactions} transactions")
    results += [
        (
            f"at most {TARGETS['statements']} SQL statements a post",
            statements <= TARGETS["statements"],
        ),
        (f"{TARGETS['transactions']} transactions a post", transactions == TARGETS["transactions"]),
    ]
    print(f"\n{'flat in history (median ms)':28} {'100 posts':>11} {'100,000':>11} {'ratio':>7}")
    for check in flat["small"]:
        small, busy = flat["small"][check], flat["busy"][check]
        print(f"{check:28} {small:11.3f} {busy:11.3f} {busy / small:7.2f}")
        results.append(
            (
                f"{check}: 100,000 posts <= {TARGETS['flat_ratio']}x 100 posts",
                busy / small <= TARGETS["flat_ratio"],
            )
        )
    print(
        f"\nposts a second on {network}: "
        + ", ".join(
            f"{phase['posting']['per_second']:.1f} with {workers} workers"
            for workers, phase in phases.items()
        )
        + "; worker CPU a post: "
        + ", ".join(
            f"{phase['posting']['cpu_ms']['worker']:.1f} ms with {workers} workers"
            for workers, phase in phases.items()
        )
    )
    print("\nTargets:")
    for label, ok in results:
        print(f"  {held(ok):6} {label}")
    return all(ok for _, ok in results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=400)
    parser.add_argument("--bots", type=int, default=10)
    parser.add_argument("--noops", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument(
        "--platform",
        choices=["sandbox", "mastodon_sandbox", "bluesky_sandbox"],
        default="sandbox",
        help="the sandbox the posting phases post to (the measured post stays on X's)",
    )
    args = parser.parse_args(argv)

    reset_database(DATABASE_URL)
    port = free_port()
    env = {
        **os.environ,
        "SANDBOX_BASE_URL": f"http://127.0.0.1:{port}/xsandbox",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ["SANDBOX_BASE_URL"] = env["SANDBOX_BASE_URL"]
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    broker().flushdb()
    site = web(port, {**env, "PGAPPNAME": APP_NAMES["web"]}, workers=GUNICORN_WORKERS)
    try:
        wait_for_site(port, site)
        phases = {workers: run_phase(workers, args, env, site) for workers in args.workers}
        statements, transactions = one_post_measured()
    finally:
        stop([site])
    flat = bench_flat()
    return 0 if report(phases, statements, transactions, flat, args) else 1


if __name__ == "__main__":
    sys.exit(main())
