"""Each page's load time with the demo data: `python -m bench.site_pages [--runs 15]`.

The demo flock of `make run` (`load_demo`) in a SQLite database of its own
(var/bench-site-pages.sqlite3, made afresh), with the drafts, post, group and sandbox post
tests/browser/test_pages.py adds; every page of that test's table fetched `--runs` times
through Django's test client as the admin, DEBUG on as `make run` has it. Prints each page's
median and p90 in milliseconds and its SQL queries, then whether every median held the target.
"""

# Django and the site's modules are imported inside functions: the settings come from the
# environment this module sets before Django starts.

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = ROOT / "var" / "bench-site-pages.sqlite3"
TARGET_MS = 150.0


def configure() -> None:
    DATABASE.parent.mkdir(exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DATABASE_URL": f"sqlite:///{DATABASE}",
            "ENV_FILE": str(ROOT / "var" / "bench-site-pages.env"),
            "DEBUG": "true",
            "XSANDBOX_ENABLED": "true",
            "LOG_LEVEL": "WARNING",
            # No worker runs: what the demo queues waits in a broker nobody reads.
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14"),
        }
    )
    import django

    django.setup()


def demo_world() -> dict:
    """The demo data and the page test's additions to it, as the page table reads them."""
    from django.core.management import call_command

    from bots.models import Bot, BotGroup
    from corpora.models import Corpus
    from tests.factories import make_sandbox_post, make_tweet, make_user
    from tweets.models import Tweet
    from xsandbox.models import Account

    call_command("migrate", verbosity=0)
    admin = make_user(superuser=True, username="bench-admin")
    call_command("load_demo", verbosity=0)
    bot = Bot.objects.get(name="Lighthouse")
    for n in range(3):
        make_tweet(bot=bot, text=f"The lamp turns, night number {n}.")
    make_tweet(bot=bot, text="Posted earlier.", state=Tweet.State.POSTED, x_post_id="77")
    group = BotGroup.objects.create(name="Night shift", created_by=admin)
    group.bots.set(Bot.objects.all())
    account = Account.objects.get(handle=bot.handle)
    return {
        "admin": admin,
        "bot": bot,
        "group": group,
        "account": account,
        "post": make_sandbox_post(account=account, text="A beam over the sea."),
        "corpus": Corpus.objects.order_by("pk").first(),
    }


def measure(runs: int) -> list[tuple[str, float, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.browser.test_pages import PAGES, SIGNED_OUT_PAGES

    world = demo_world()
    signed_in, signed_out = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(world["admin"])
    rows = []
    clients = [(signed_in, PAGES), (signed_out, SIGNED_OUT_PAGES)]
    for client, pages in clients:
        for name, path, status in pages:
            url = path(world)
            client.get(url)  # templates compiled, caches warm
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == status, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p90 = statistics.quantiles(times, n=10)[-1] if runs >= 2 else times[0]
            rows.append((name, statistics.median(times), p90, len(queries)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    configure()
    rows = measure(args.runs)
    print(f"{'page':<20} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for name, median, p90, queries in rows:
        print(f"{name:<20} {median:>10.1f} {p90:>8.1f} {queries:>8}")
    missed = [name for name, median, _, _ in rows if median > TARGET_MS]
    verdict = "held" if not missed else f"MISSED ({', '.join(missed)})"
    print(f"every page at most {TARGET_MS:.0f} ms median with the demo data: {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
