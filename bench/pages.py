"""Page speed at scale: `python -m bench.pages [--bots 1000] [--tweets 1000000] [--runs 30]`.

Seeds a PostgreSQL database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/aviary_bench) with the given numbers of bots and tweets,
then renders the dashboard, the review queue and a bot's history through Django's test
client, for a superuser (every bot) and for an owner of ten bots. Prints the median and p90
render time, the SQL queries per page, and each median as a ratio to the login page measured
in the same run (the cost of any page of this site at all). Target: median <= 150 ms.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aviary_bench"
)
os.environ.setdefault("ENV_FILE", "var/bench.env")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # Django's test client

import django

TARGET_MS = 150.0


def ensure_database():
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(bots: int, tweets: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bots.models import Bot
    from tweets.models import Tweet

    call_command("migrate", verbosity=0)
    if Bot.objects.count() == bots and Tweet.objects.count() == tweets:
        return
    print(f"Seeding {bots:,} bots and {tweets:,} tweets (once)...", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tweets_tweet, tweets_postattempt, tweets_generationjob, "
            "bots_bot, bots_bot_owners RESTART IDENTITY CASCADE"
        )
    User = get_user_model()
    User.objects.filter(username__startswith="bench-").delete()
    # The benchmark logs in with force_login: these users have no usable password.
    User.objects.create_superuser("bench-admin", password=None)
    owner = User.objects.create_user("bench-owner", password=None)
    Bot.objects.bulk_create(
        Bot(name=f"Bench bot {n:04}", handle=f"bench{n}", platform="sandbox") for n in range(bots)
    )
    owned = list(Bot.objects.order_by("pk")[:10])
    owner.bots.add(*owned)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tweets_tweet (bot_id, text, state, seed_word, in_reply_to_post_id,
                attempt_count, x_post_id, last_error, created_at, updated_at, posted_at,
                approved_at, next_attempt_at)
            SELECT b.id,
                   'Bench tweet number ' || g || ' about the curious incident of the dog',
                   s.state, '', '', 1,
                   CASE WHEN s.state = 'posted' THEN (1000000000 + g)::text ELSE '' END,
                   CASE WHEN s.state = 'failed' THEN 'X refused the credentials (401).'
                        ELSE '' END,
                   t.at, t.at,
                   CASE WHEN s.state = 'posted' THEN t.at + interval '1 hour' END,
                   CASE WHEN s.state IN ('posted', 'approved', 'failed') THEN t.at END,
                   CASE WHEN s.state = 'approved' THEN now() + interval '1 day' END
            FROM generate_series(1, %s) AS g
            CROSS JOIN LATERAL (SELECT min(id) + (g %% %s) AS id FROM bots_bot) AS b
            CROSS JOIN LATERAL (SELECT CASE
                    WHEN g %% 100 < 88 THEN 'posted' WHEN g %% 100 < 94 THEN 'draft'
                    WHEN g %% 100 < 96 THEN 'approved' WHEN g %% 100 < 99 THEN 'rejected'
                    ELSE 'failed' END AS state) AS s
            CROSS JOIN LATERAL (
                SELECT now() - (g::float / %s * interval '365 days') AS at) AS t
            """,
            [tweets, bots, tweets],
        )
        cursor.execute("ANALYZE")
    print(f"Seeded in {time.perf_counter() - started:.0f} s", flush=True)


def measure(client, url: str, runs: int) -> tuple[list[float], list[float]]:
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timed):
        client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings, queries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bots", type=int, default=1000)
    parser.add_argument("--tweets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--verbose", action="store_true", help="show each page's slowest SQL")
    args = parser.parse_args(argv)
    ensure_database()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bots.models import Bot

    seed(args.bots, args.tweets)
    User = get_user_model()
    busiest = Bot.objects.order_by("pk").first()
    pages = [
        ("login page (baseline)", None, "/accounts/login/"),
        ("dashboard", "bench-admin", "/"),
        ("dashboard, page 5", "bench-admin", "/?page=5"),
        ("review queue", "bench-admin", "/tweets/review/"),
        ("history", "bench-admin", f"/tweets/bots/{busiest.pk}/history/"),
        ("history, failed only", "bench-admin", f"/tweets/bots/{busiest.pk}/history/?state=failed"),
        ("dashboard (owner of 10)", "bench-owner", "/"),
        ("review queue (owner of 10)", "bench-owner", "/tweets/review/"),
    ]
    print(f"{'page':32} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'x login':>8}")
    baseline = None
    worst = 0.0
    for label, username, url in pages:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        timings, queries = measure(client, url, args.runs)
        if args.verbose:
            for spent, sql in sorted(queries, reverse=True)[:3]:
                print(f"    {spent:7.1f} ms  {sql[:150]}")
        queries = len(queries)
        median = statistics.median(timings)
        p90 = statistics.quantiles(timings, n=10)[-1]
        baseline = baseline or median
        if username:
            worst = max(worst, median)
        print(f"{label:32} {median:10.1f} {p90:8.1f} {queries:8} {median / baseline:8.1f}")
    verdict = "meets" if worst <= TARGET_MS else "MISSES"
    print(f"\nSlowest median {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target.")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
