"""Page speed at scale: `python -m bench.pages [--runs 15] [--verbose]`.

Seeds two PostgreSQL databases of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/aviary_bench_pages, and the same name ending in _small at a
tenth of the size) with bench.pages_seed: 1,000 bots, 1,000,000 tweets of which a busy bot has
90,000 posts and 10,000 drafts in 42 days, a post attempt per tweet sent and 3,000,000
activity rows. Each size is measured in a fresh process with DEBUG off (collected static files,
production settings) through Django's test client, for a superuser and for the owner of ten
bots (the busy one among them): every page and filter, its median and p90 time and its SQL
queries; the calendar's week and month, of all bots, of the busy one and of a group. Then the
history CSV of the busy bot, streamed, and the options a bot picker renders.

Targets, each printed with whether it held (exit status 1 if any did not):
  every page and filter at most 150 ms median, for the superuser and for the owner;
  the same number of queries at both sizes, for every page;
  the CSV export streams 100,000 rows at 50,000 rows/s or more, its peak memory at most
  1.5x that of the newest tenth of them (constant memory);
  no page renders more than 50 <option>s (a bot picker, not a 1,000-option <select>).
"""

# Django and the site's modules are imported inside functions: the parent process runs
# before Django is configured, and each child configures it (the bench's own database,
# DEBUG off) before any model may load.

import argparse
import datetime
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

TARGET_MS = 150.0
TARGET_ROWS_PER_S = 50_000
TARGET_MEMORY_RATIO = 1.5
TARGET_OPTIONS = 50
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aviary_bench_pages"
ROOT = Path(__file__).resolve().parents[1]
USERS = {"superuser": "bench-admin", "owner of 10": "bench-owner"}


def child_environment(url: str) -> dict:
    """Production settings on a throwaway database: DEBUG off, fresh secrets, no TLS redirect
    (the test client speaks plain HTTP), the static files collected as whitenoise serves them."""
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": url,
        "ENV_FILE": str(ROOT / "var" / "bench-pages.env"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "LOG_LEVEL": "WARNING",
    }


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def pages() -> list[tuple[str, str, str]]:
    """(page, user, URL) for every page and filter, found in the seeded database."""
    from django.urls import reverse

    from activity.models import Activity
    from bench.pages_seed import ABSENT, BUSY_NAME, QUIET_INDEX, RARE
    from bots.models import Bot, BotGroup
    from tweets.models import Tweet

    busy = Bot.objects.get(name=BUSY_NAME)
    owned = list(Bot.objects.filter(owners__username=USERS["owner of 10"]).order_by("name"))
    quiet, regular = owned[QUIET_INDEX], owned[1]
    drafts = Tweet.objects.filter(bot=busy, state="draft").order_by("pk")
    middle_draft = drafts.values_list("pk", flat=True)[drafts.count() // 2]
    history = Tweet.objects.filter(bot=busy).order_by("-created_at", "-pk")
    deep_tweet = history.values_list("pk", flat=True)[history.count() // 2]
    log = Activity.objects.order_by("-created_at", "-pk")
    deep_entry = log.values_list("pk", flat=True)[log.count() // 3]
    today = datetime.date.today()
    day = lambda days: (today - datetime.timedelta(days=days)).isoformat()  # noqa: E731
    review, activity = reverse("tweets:review"), reverse("bots:activity")
    calendar = reverse("tweets:calendar")
    tweets = reverse("tweets:history", args=[busy.pk])
    rows = [("login page (baseline)", "", reverse("login"))]
    for user, username in USERS.items():
        group = BotGroup.objects.get(created_by__username=username).pk
        rows += [
            (label, user, url)
            for label, url in [
                ("dashboard", "/"),
                ("dashboard, page 5", "/?page=5"),
                ("dashboard, a group", f"/?group={group}"),
                ("review queue", review),
                ("review queue, busy bot", f"{review}?bot={busy.pk}"),
                ("review queue, busy bot by name", f"{review}?bot={busy.name}"),
                ("review queue, busy bot deep", f"{review}?bot={busy.pk}&after={middle_draft}"),
                ("review queue, a bot", f"{review}?bot={regular.pk}"),
                ("review queue, a bot, no drafts", f"{review}?bot={quiet.pk}"),
                ("review queue, a group", f"{review}?group={group}"),
                ("history, busy bot", tweets),
                ("history, deep", f"{tweets}?before={deep_tweet}"),
                ("history, failed only", f"{tweets}?state=failed"),
                ("history, drafts", f"{tweets}?state=draft"),
                ("history, search common word", f"{tweets}?q=hound"),
                ("history, search rare word", f"{tweets}?q={RARE}"),
                ("history, search absent word", f"{tweets}?q={ABSENT}"),
                ("history, a week", f"{tweets}?since={day(20)}&until={day(13)}"),
                ("history, until 300 days ago", f"{tweets}?until={day(300)}"),
                ("activity", activity),
                ("activity, deep", f"{activity}?before={deep_entry}"),
                ("activity, busy bot", f"{activity}?bot={busy.pk}"),
                ("activity, a bot, no entries", f"{activity}?bot={quiet.pk}"),
                ("activity, a group", f"{activity}?group={group}"),
                ("activity, schedule", f"{activity}?subject=schedule"),
                ("activity, tweets", f"{activity}?subject=tweet"),
                ("activity, by a person", f"{activity}?person=bench-owner"),
                ("activity, since 30 days ago", f"{activity}?since={day(30)}"),
                ("activity, until 300 days ago", f"{activity}?until={day(300)}"),
                ("activity, a week", f"{activity}?since={day(20)}&until={day(13)}"),
                ("activity, busy bot, a week", f"{activity}?bot={busy.pk}&since={day(20)}"),
                ("bot page, busy bot", reverse("bots:detail", args=[busy.pk])),
                ("groups", reverse("bots:groups")),
                ("group page", reverse("bots:group", args=[group])),
                ("calendar, week", calendar),
                ("calendar, month", f"{calendar}?view=month"),
                ("calendar, week, busy bot", f"{calendar}?bot={busy.pk}"),
                ("calendar, month, busy bot", f"{calendar}?view=month&bot={busy.pk}"),
                ("calendar, month, 3 weeks ago", f"{calendar}?view=month&start={day(21)}"),
                ("calendar, week, a group", f"{calendar}?group={group}"),
                ("calendar, month, a group", f"{calendar}?view=month&group={group}"),
            ]
        ]
    return rows


def measure_page(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read now: the next request clears the connection's log that `captured` reads from.
    queries = list(captured.captured_queries)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    slowest = sorted(queries, key=lambda q: -float(q["time"]))[:3]
    return {
        "median": statistics.median(timings),
        "p90": statistics.quantiles(timings, n=10)[-1],
        "queries": len(queries),
        "options": len(re.findall(rb"<option\b", response.content)),
        "slowest": [f"{float(q['time']) * 1000:.1f} ms {q['sql'][:160]}" for q in slowest],
    }


def stream_csv(client, url: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.get(url)
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    return lines - 1, time.perf_counter() - started


def measure_csv(client, busy) -> dict:
    from django.urls import reverse

    from bench.pages_seed import Scale

    busy_days = Scale().busy_days
    url = reverse("tweets:history_csv", args=[busy.pk])
    stream_csv(client, url)
    runs = [stream_csv(client, url) for _ in range(3)]
    rows = runs[0][0]
    peaks = {}
    # A tenth of the rows alike in kind: the newest tenth of the bot's days, all states.
    since = datetime.date.today() - datetime.timedelta(days=busy_days // 10)
    for label, query in (("all", ""), ("a tenth", f"?since={since.isoformat()}")):
        tracemalloc.start()
        counted, _ = stream_csv(client, url + query)
        peaks[label] = (counted, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return {
        "rows": rows,
        "rows_per_s": rows / statistics.median(seconds for _, seconds in runs),
        "peaks": peaks,
    }


def run_size(size: str, runs: int) -> dict:
    """In the child process: seed this size's database, then measure every page."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.pages_seed import BUSY_NAME, Scale, seed
    from bots.models import Bot

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    scale = Scale() if size == "full" else Scale().tenth()
    seed(scale, log=lambda line: print(line, file=sys.stderr, flush=True))
    with connection.cursor() as cursor:
        # As autovacuum would after a migration: statistics for indexes it added since.
        cursor.execute("ANALYZE")
    User = get_user_model()
    clients = {"": Client()}
    for user, username in USERS.items():
        clients[user] = Client()
        clients[user].force_login(User.objects.get(username=username))
    results = {}
    for label, user, url in pages():
        results[f"{label}|{user}"] = {"url": url, **measure_page(clients[user], url, runs)}
    csv = measure_csv(clients["superuser"], Bot.objects.get(name=BUSY_NAME))
    return {"scale": str(scale), "pages": results, "csv": csv}


def spawn(size: str, url: str, runs: int) -> dict:
    ensure_database(url)
    command = [sys.executable, "-m", "bench.pages", "--size", size, "--runs", str(runs)]
    done = subprocess.run(
        command, cwd=ROOT, env=child_environment(url), stdout=subprocess.PIPE, check=True
    )
    return json.loads(done.stdout)


def report(small: dict, full: dict, verbose: bool) -> list[tuple[str, bool]]:
    print(f"full: {full['scale']}\nsmall: {small['scale']}\n")
    print(f"{'page':34} {'user':12} {'median ms':>9} {'p90 ms':>7} {'queries':>9} {'options':>7}")
    slow, growing, crowded = [], [], []
    for key, page in full["pages"].items():
        label, user = key.split("|")
        before = small["pages"][key]["queries"]
        mark = "" if before == page["queries"] else f" (was {before})"
        print(
            f"{label:34} {user or '-':12} {page['median']:9.1f} {page['p90']:7.1f} "
            f"{page['queries']:>9}{mark} {page['options']:7}"
        )
        if verbose:
            for line in page["slowest"]:
                print(f"      {line}")
        if user and page["median"] > TARGET_MS:
            slow.append(f"{label} ({user}) {page['median']:.0f} ms")
        if before != page["queries"]:
            growing.append(f"{label} ({user}) {before} -> {page['queries']}")
        if page["options"] > TARGET_OPTIONS:
            crowded.append(f"{label} ({user}) {page['options']}")
    csv = full["csv"]
    (all_rows, all_peak), (some_rows, some_peak) = csv["peaks"]["all"], csv["peaks"]["a tenth"]
    ratio = all_peak / some_peak
    print(
        f"\nCSV export of the busy bot: {csv['rows']:,} rows at {csv['rows_per_s']:,.0f} rows/s; "
        f"peak memory {all_peak / 1e6:.2f} MB for {all_rows:,} rows, "
        f"{some_peak / 1e6:.2f} MB for {some_rows:,} ({ratio:.2f}x)"
    )
    worst = max(p["median"] for k, p in full["pages"].items() if not k.endswith("|"))
    return [
        (f"every page median <= {TARGET_MS:.0f} ms (slowest {worst:.1f} ms)", not slow, slow),
        ("queries the same at both sizes", not growing, growing),
        (
            f"CSV >= {TARGET_ROWS_PER_S:,} rows/s over >= 100,000 rows "
            f"({csv['rows_per_s']:,.0f} over {csv['rows']:,})",
            csv["rows_per_s"] >= TARGET_ROWS_PER_S and csv["rows"] >= 100_000,
            [],
        ),
        (
            f"CSV peak memory for {all_rows:,} rows <= {TARGET_MEMORY_RATIO}x that for "
            f"{some_rows:,} ({ratio:.2f}x)",
            ratio <= TARGET_MEMORY_RATIO,
            [],
        ),
        (f"no page renders more than {TARGET_OPTIONS} <option>s", not crowded, crowded),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--verbose", action="store_true", help="show each page's slowest SQL")
    parser.add_argument("--size", choices=["small", "full"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size:  # the child: JSON on stdout, progress on stderr
        json.dump(run_size(args.size, args.runs), sys.stdout)
        return 0
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    load = os.getloadavg()
    small = spawn("small", f"{url}_small", args.runs)
    full = spawn("full", url, args.runs)
    targets = report(small, full, args.verbose)
    print(f"\nload average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    print("\nTargets:")
    for text, held, misses in targets:
        print(f"  {'held  ' if held else 'MISSED'} {text}")
        for miss in misses:
            print(f"         {miss}")
    return 0 if all(held for _, held, _ in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
