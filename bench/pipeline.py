"""Posting throughput: `python -m bench.pipeline [--tweets 500] [--bots 10] [--workers 2]`.

Starts the site (gunicorn, serving the sandbox) and Celery worker processes against a
PostgreSQL database of its own and Redis database 14, approves the tweets in one transaction
and times them to `posted`: posts per second and approve-to-posted latency (p50, p99).
Beside it, in the same run and on the same broker and workers, a no-op task's throughput and
send-to-run latency: the ceiling that Celery and Redis alone allow. Prints both and ratios.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aviary_bench_pipeline"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
NOOP_KEY = "aviary:bench:noop"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.update(DATABASE_URL=DATABASE_URL, CELERY_BROKER_URL=BROKER_URL, ENV_FILE="var/bench.env")

import django  # noqa: E402
from celery import shared_task  # noqa: E402

from bench.processes import (  # noqa: E402
    answers,
    celery_worker,
    free_port,
    percentile,
    reset_database,
    stop,
    wait_for,
    web,
)


@shared_task(name="bench.pipeline.noop")
def noop(sent_at: float) -> None:
    """The baseline: a task that only notes when it ran."""
    import redis

    redis.Redis.from_url(BROKER_URL).rpush(NOOP_KEY, f"{sent_at} {time.time()}")


def bench_noop(count: int) -> dict:
    import redis

    broker = redis.Redis.from_url(BROKER_URL)
    broker.delete(NOOP_KEY)
    started = time.time()
    for _ in range(count):
        noop.delay(time.time())
    wait_for(lambda: broker.llen(NOOP_KEY) >= count, 120, "the no-op tasks")
    rows = [tuple(map(float, row.split())) for row in broker.lrange(NOOP_KEY, 0, -1)]
    finished = max(ran for _, ran in rows)
    latencies = [(ran - sent) * 1000 for sent, ran in rows]
    return {
        "per_second": count / (finished - started),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
    }


def bench_posting(count: int, bots: int) -> dict:
    from django.db import transaction

    from bots.models import Bot
    from tweets import services
    from tweets.models import Tweet
    from xsandbox.accounts import credentials_of, ensure_account

    flock = []
    for n in range(bots):
        bot = Bot(name=f"Bench {n}", handle=f"bench_{n}", platform="sandbox", daily_post_cap=10_000)
        bot.set_credentials(**credentials_of(ensure_account(f"bench_{n}")[0]))
        bot.save()
        flock.append(bot)
    with transaction.atomic():
        tweets = [
            Tweet.objects.create(
                bot=flock[i % bots], text=f"Benchmark post {i}: the speckled band."
            )
            for i in range(count)
        ]
        started = time.time()
        for tweet in tweets:
            services.approve_tweet(tweet, by=None)
    ids = [tweet.pk for tweet in tweets]
    wait_for(
        lambda: Tweet.objects.filter(pk__in=ids, state="posted").count() == count,
        600,
        "every tweet to be posted",
    )
    rows = Tweet.objects.filter(pk__in=ids).values_list("approved_at", "posted_at")
    latencies = [(posted - approved).total_seconds() * 1000 for approved, posted in rows]
    finished = max(posted for _, posted in rows).timestamp()
    failed = Tweet.objects.filter(pk__in=ids).exclude(state="posted").count()
    return {
        "per_second": count / (finished - started),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "failed": failed,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=500)
    parser.add_argument("--bots", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noops", type=int, default=2000)
    args = parser.parse_args(argv)

    reset_database(DATABASE_URL)
    port = free_port()
    env = {
        **os.environ,
        "SANDBOX_BASE_URL": f"http://127.0.0.1:{port}/xsandbox",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ["SANDBOX_BASE_URL"] = env["SANDBOX_BASE_URL"]
    django.setup()
    import redis
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(BROKER_URL).flushdb()
    processes = [web(port, env, workers=4)]
    processes += [celery_worker(n, env, "--include=bench.pipeline") for n in range(args.workers)]
    try:
        wait_for(lambda: answers(port), 30, "the web server")
        time.sleep(3)  # workers connect to the broker
        baseline = bench_noop(args.noops)
        posting = bench_posting(args.tweets, args.bots)
    finally:
        stop(processes)

    print(f"{args.tweets} tweets over {args.bots} sandbox bots, {args.workers} workers")
    print(f"{'':28} {'per second':>11} {'p50 ms':>9} {'p99 ms':>9}")
    print(
        f"{'no-op task (baseline)':28} {baseline['per_second']:11.1f} "
        f"{baseline['p50_ms']:9.1f} {baseline['p99_ms']:9.1f}"
    )
    print(
        f"{'approve -> posted':28} {posting['per_second']:11.1f} "
        f"{posting['p50_ms']:9.1f} {posting['p99_ms']:9.1f}"
    )
    ratios = [posting[key] / baseline[key] for key in ("per_second", "p50_ms", "p99_ms")]
    print(f"{'ratio (posting / no-op)':28} {ratios[0]:11.2f} {ratios[1]:9.1f} {ratios[2]:9.1f}")
    print(f"not posted: {posting['failed']}")
    return 0 if posting["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
