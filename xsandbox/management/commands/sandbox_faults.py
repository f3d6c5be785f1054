"""`manage.py sandbox_faults --handle NAME [...]`: make a sandbox account misbehave the way
X sometimes does (latency, 5xx, a burst of 429s, accept then stall, no credit, usage cap)."""

from django.core.management.base import BaseCommand, CommandError

from xsandbox.accounts import FAULT_FIELDS, set_faults
from xsandbox.models import Account


class Command(BaseCommand):
    help = "Set or clear injected faults on a sandbox account."

    def add_arguments(self, parser):
        parser.add_argument("--handle", required=True)
        parser.add_argument(
            "--latency-ms", dest="latency_ms", type=int, help="Delay every answer this long."
        )
        parser.add_argument(
            "--error-rate", dest="error_rate", type=float, help="Share of writes answered 503."
        )
        parser.add_argument(
            "--rate-limit-burst", dest="rate_limit_burst", type=int, help="Next N writes: 429."
        )
        parser.add_argument(
            "--stall-next",
            dest="stall_next",
            type=int,
            help="Next N posts are stored, then the answer stalls past any read timeout.",
        )
        credits = parser.add_mutually_exclusive_group()
        credits.add_argument(
            "--credits-exhausted", dest="credits_exhausted", action="store_true", default=None
        )
        credits.add_argument("--credits-ok", dest="credits_exhausted", action="store_false")
        usage = parser.add_mutually_exclusive_group()
        usage.add_argument("--usage-capped", dest="usage_capped", action="store_true", default=None)
        usage.add_argument("--usage-ok", dest="usage_capped", action="store_false")
        parser.add_argument("--reset", action="store_true", help="Clear every other fault.")

    def handle(self, *args, **options):
        account = Account.objects.filter(handle__iexact=options["handle"].lstrip("@")).first()
        if account is None:
            raise CommandError(f"No sandbox account @{options['handle']}.")
        faults = {name: options.get(name) for name in FAULT_FIELDS}
        try:
            account = set_faults(account, reset=options["reset"], **faults)
        except ValueError as error:
            raise CommandError(str(error)) from None
        now = ", ".join(f"{name}={getattr(account, name)}" for name in FAULT_FIELDS)
        self.stdout.write(f"@{account.handle}: {now}")
