"""The site under load: `python -m bench.load [--clients 20] [--seconds 60]`.

gunicorn with 2 workers, 2 Celery workers and beat, against a PostgreSQL database of its own
and Redis database 14, loopback only. Each client logs in, then for the whole run views the
dashboard and the review queue and approves a draft it saw there: only drafts of its own share
(by id), each once, so no approval is a repeat of its own or another client's. An answer that
is an error, or a card with an error on it, counts as an error. Afterwards every approved
tweet must be posted exactly once (Aviary's rows and the sandbox's posts agree). Prints
requests, errors, p50 and p99 latency per page, and the posting figures.
"""

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aviary_bench_load"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.update(DATABASE_URL=DATABASE_URL, CELERY_BROKER_URL=BROKER_URL, ENV_FILE="var/bench.env")

import django  # noqa: E402
import requests  # noqa: E402

from bench.pages_seed import WORDS  # noqa: E402
from bench.processes import (  # noqa: E402
    answers,
    beat,
    celery_worker,
    free_port,
    percentile,
    reset_database,
    stop,
    wait_for,
    web,
)

PASSWORD = "load-bench-password-not-secret"  # noqa: S105 - a throwaway local account
DRAFT_RE = re.compile(r'id="tweet-(\d+)"')
# What a card or page shows when the action was refused (templates/tweets/includes/tweet_card).
ERROR_RE = re.compile(rb'<p class="error" role="alert">')


def draft_text(number: int) -> str:
    """Draft N's text, of words drawn for it alone: approval refuses a text too like one that
    another bot has queued or posted (X allows no identical content across accounts), and
    texts that differ only by their number would be refused as alike."""
    words = random.Random(number).choices(WORDS, k=8)
    return f"Load test draft {number}: the {' '.join(words)}."


def seed(bots: int, drafts: int) -> None:
    from django.contrib.auth import get_user_model

    from bots.models import Bot
    from tweets.models import Tweet
    from xsandbox.accounts import credentials_of, ensure_account

    get_user_model().objects.create_superuser("load", password=PASSWORD)
    flock = []
    for n in range(bots):
        bot = Bot(name=f"Load {n}", handle=f"load_{n}", platform="sandbox", daily_post_cap=10_000)
        bot.set_credentials(**credentials_of(ensure_account(f"load_{n}")[0]))
        bot.save()
        flock.append(bot)
    Tweet.objects.bulk_create(Tweet(bot=flock[i % bots], text=draft_text(i)) for i in range(drafts))


def client_loop(
    base: str, until: float, stats: dict, lock: threading.Lock, share: tuple[int, int]
) -> None:
    """One person: `share` (n, of) is the drafts this client approves, those whose id is n
    modulo `of`, so that clients never approve the same draft."""
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    session.post(
        f"{base}/accounts/login/",
        data={
            "username": "load",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    headers = {"X-CSRFToken": session.cookies["csrftoken"], "HX-Request": "true"}
    approved = set()
    while time.monotonic() < until:
        for label, method, url in (
            ("dashboard", "GET", "/"),
            ("review queue", "GET", "/tweets/review/"),
        ):
            body = timed(session, method, base + url, label, stats, lock)
        mine = [
            draft
            for draft in DRAFT_RE.findall(body or "")
            if int(draft) % share[1] == share[0] and draft not in approved
        ]
        if mine:
            draft = mine[0]
            approved.add(draft)
            timed(
                session,
                "POST",
                f"{base}/tweets/{draft}/approve/",
                "approve",
                stats,
                lock,
                card=True,
                headers=headers,
            )


def timed(session, method, url, label, stats, lock, *, card=False, **kwargs) -> str:
    """The request, timed; an error status, or a `card` that shows an error, is an error."""
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, **kwargs)
        ok = response.status_code < 400 and not (card and ERROR_RE.search(response.content))
        text = response.text
    except requests.RequestException:
        ok, text = False, ""
    spent = (time.perf_counter() - started) * 1000
    with lock:
        stats[label]["ms"].append(spent)
        stats[label]["errors"] += not ok
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--bots", type=int, default=40)
    parser.add_argument("--drafts", type=int, default=4000)
    args = parser.parse_args(argv)

    reset_database(DATABASE_URL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SANDBOX_BASE_URL": f"{base}/xsandbox", "PYTHONUNBUFFERED": "1"}
    env.update(DEBUG="true", SWEEP_INTERVAL_SECONDS="5")
    os.environ["SANDBOX_BASE_URL"] = env["SANDBOX_BASE_URL"]
    django.setup()
    import redis
    from django.core.management import call_command

    from tweets.models import Tweet
    from xsandbox.models import Post

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(BROKER_URL).flushdb()
    seed(args.bots, args.drafts)
    processes = [web(port, env, workers=2), celery_worker(0, env), celery_worker(1, env), beat(env)]
    stats = defaultdict(lambda: {"ms": [], "errors": 0})
    lock = threading.Lock()
    try:
        wait_for(lambda: answers(port), 30, "the web server")
        until = time.monotonic() + args.seconds
        clients = [
            threading.Thread(target=client_loop, args=(base, until, stats, lock, (n, args.clients)))
            for n in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        approved = Tweet.objects.exclude(state__in=["draft", "rejected"])
        wait_for(
            lambda: not approved.exclude(state__in=["posted", "failed"]).exists(),
            900,
            "every approved tweet to be posted",
        )
    finally:
        stop(processes)

    posted = list(approved.values_list("x_post_id", "state"))
    ids = [post_id for post_id, state in posted if state == "posted"]
    stored = Post.objects.filter(deleted=False).count()
    print(f"{args.clients} clients for {args.seconds:.0f} s; gunicorn 2, Celery workers 2, beat")
    print(f"{'':14} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}")
    errors = 0
    for label, row in stats.items():
        errors += row["errors"]
        print(
            f"{label:14} {len(row['ms']):9} {row['errors']:7} "
            f"{statistics.median(row['ms']):8.1f} {percentile(row['ms'], 0.99):8.1f}"
        )
    once = len(ids) == len(set(ids)) == stored
    print(f"approved {len(posted)}, posted {len(ids)}, failed {len(posted) - len(ids)}, ", end="")
    print(f"sandbox posts {stored}: {'each exactly once' if once else 'MISMATCH'}")
    return 0 if errors == 0 and once and len(ids) == len(posted) else 1


if __name__ == "__main__":
    sys.exit(main())
