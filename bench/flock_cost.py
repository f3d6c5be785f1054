"""What the demo flock costs on X in an hour: `python -m bench.flock_cost [--minutes 60]`.

Loads the demo flock (project/demo) into a PostgreSQL database of its own (Redis database
13), puts every bot on autopilot with a schedule every `--every` minutes and listening every
`--listen-seconds`, credential checks every `--check-minutes`, and records Aviary's forecast
for the coming `--minutes` (tweets.budget.forecast_for). Then gunicorn (the site and its
sandbox), a Celery worker and beat run for that long, and it prints side by side, by kind:
what Aviary recorded (bots.spend), what the sandbox billed (xsandbox.billing), and the
forecast. Exit status 1 when Aviary's spend and the sandbox's bill differ by a cent.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal

# The site's modules are imported inside functions: they load only after django.setup()
# (main), under the database and broker this module sets in the environment first. The bench
# prints its table: that is its output.

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aviary_bench_cost"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.update(DATABASE_URL=DATABASE_URL, CELERY_BROKER_URL=BROKER_URL, ENV_FILE="var/bench.env")

import django  # noqa: E402

from bench.processes import (  # noqa: E402
    answers,
    beat,
    celery_worker,
    free_port,
    reset_database,
    stop,
    wait_for,
    web,
)

ADMIN_PASSWORD = "cost-bench-password-not-secret"  # noqa: S105 - a throwaway local account


def prepare(every_minutes: int) -> list:
    """The demo flock, every bot on autopilot with a short interval schedule and no quiet
    hours, and every listener on autopilot."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bots.models import Bot, Listener, Schedule
    from bots.schedule import save_schedule

    owner = get_user_model().objects.create_superuser("cost", password=ADMIN_PASSWORD)
    call_command("load_demo", verbosity=0)
    bots = list(Bot.objects.order_by("name"))
    for bot in bots:
        Bot.objects.filter(pk=bot.pk).update(posting_mode=Bot.PostingMode.AUTOPILOT)
        save_schedule(
            bot,
            by=owner,
            kind=Schedule.Kind.INTERVAL,
            every_minutes=every_minutes,
            jitter_minutes=0,
            quiet_start=None,
            quiet_end=None,
            enabled=True,
        )
    Listener.objects.update(reply_mode=Bot.PostingMode.AUTOPILOT)
    return list(Bot.objects.order_by("name").select_related("schedule"))


def aviary_by_kind(since: datetime.date) -> dict[str, tuple[int, Decimal]]:
    from django.db.models import Sum

    from bots.models import DailySpend

    rows = DailySpend.objects.filter(day__gte=since).values("call")
    rows = rows.annotate(calls=Sum("calls"), cost=Sum("cost_usd"))
    return {row["call"]: (row["calls"], row["cost"]) for row in rows}


def sandbox_by_kind(since: datetime.date) -> dict[str, tuple[int, Decimal]]:
    from xsandbox.billing import bill_by_kind

    kinds = bill_by_kind(since=since)["by_kind"]
    return {call: (row["calls"], Decimal(row["cost_usd"])) for call, row in kinds.items()}


def money(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.0001'))}"


def report(minutes: float, bots, forecast: dict, ours: dict, theirs: dict) -> bool:
    from bots.spend import CALL_LABELS
    from platforms.base import Call

    print(f"The demo flock ({len(bots)} bots) for {minutes:g} minutes through the sandbox")
    print(
        f"{'kind':20} {'Aviary calls':>12} {'Aviary $':>10} {'sandbox calls':>13} {'sandbox $':>10}"
    )
    for call in Call:
        calls, cost = ours.get(call.value, (0, Decimal("0")))
        billed_calls, billed = theirs.get(call.value, (0, Decimal("0")))
        label = CALL_LABELS[call]
        print(f"{label:20} {calls:12} {money(cost):>10} {billed_calls:13} {money(billed):>10}")
    total = sum((cost for _calls, cost in ours.values()), Decimal("0"))
    billed = sum((cost for _calls, cost in theirs.values()), Decimal("0"))
    print(f"{'total':20} {'':12} {money(total):>10} {'':13} {money(billed):>10}")
    print(f"\nAviary's forecast at the start, for the {minutes:g} minutes:")
    for kind, cost in sorted(forecast.items(), key=lambda item: -item[1]):
        print(f"{kind:20} {money(cost):>10}")
    print(f"{'total':20} {money(sum(forecast.values(), Decimal('0'))):>10}")
    same = total.quantize(Decimal("0.01")) == billed.quantize(Decimal("0.01"))
    print(f"\nAviary's spend against the sandbox's bill: {'held' if same else 'MISSED'}")
    return same


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--every", type=int, default=5, help="Schedule slot every N minutes.")
    parser.add_argument("--listen-seconds", type=float, default=30)
    parser.add_argument("--check-minutes", type=float, default=10)
    args = parser.parse_args(argv)

    reset_database(DATABASE_URL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings_env = {
        "SANDBOX_BASE_URL": f"{base}/xsandbox",
        "DEBUG": "true",
        "SWEEP_INTERVAL_SECONDS": "10",
        "LISTEN_INTERVAL_SECONDS": str(args.listen_seconds),
        "CREDENTIAL_CHECK_HOURS": str(args.check_minutes / 60),
        "CREDENTIAL_CHECK_TICK_SECONDS": "60",
    }
    # This process forecasts with the same settings the processes run with.
    os.environ.update(settings_env)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    django.setup()
    import redis
    from django.core.management import call_command
    from django.utils import timezone

    from tweets import budget

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(BROKER_URL).flushdb()
    bots = prepare(args.every)
    started = timezone.now()
    period = datetime.timedelta(minutes=args.minutes)
    forecast = budget.forecast_for(bots, started, period=period)
    since = started.astimezone(datetime.UTC).date()
    server = web(port, env, workers=2)
    processes = [celery_worker(0, env), celery_worker(1, env), beat(env)]
    try:
        wait_for(lambda: answers(port), 30, "the web server")
        time.sleep(args.minutes * 60)
    finally:
        # Warm shutdown, the server last: each task in hand finishes its calls and records
        # what they were billed.
        stop(processes)
        stop([server])
    return (
        0
        if report(args.minutes, bots, forecast, aviary_by_kind(since), sandbox_by_kind(since))
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
