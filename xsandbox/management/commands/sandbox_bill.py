"""`manage.py sandbox_bill [--handle NAME ...] [--since YYYY-MM-DD]`: the sandbox's own bill in
dollars by kind of call, as JSON (xsandbox.billing.bill_by_kind)."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from xsandbox.billing import bill_by_kind


class Command(BaseCommand):
    help = "Print the sandbox's bill in dollars by kind of call, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--handle", action="append", help="Only these accounts (repeat).")
        parser.add_argument("--since", help="From this UTC day on (YYYY-MM-DD).")

    def handle(self, *args, handle=None, since=None, **options):
        try:
            day = datetime.date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"--since must be a day as YYYY-MM-DD, not {since!r}.") from None
        self.stdout.write(json.dumps(bill_by_kind(handles=handle, since=day), indent=2))
