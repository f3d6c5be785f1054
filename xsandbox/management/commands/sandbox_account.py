"""`manage.py sandbox_account --handle NAME`: create (or show) a sandbox account and print
the four credentials a bot needs, as X_... lines."""

from django.core.management.base import BaseCommand, CommandError

from platforms.x.handles import HANDLE_RULE, is_valid_handle
from xsandbox.accounts import credential_lines, ensure_account, set_bio


class Command(BaseCommand):
    help = "Create or show a sandbox X account and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument("--handle", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--bio", help="Set the account's bio (its description at X).")

    def handle(self, *args, **options):
        handle = options["handle"].lstrip("@")
        if not is_valid_handle(handle):
            raise CommandError(HANDLE_RULE)
        account, created = ensure_account(handle, name=options["name"])
        if options["bio"] is not None:
            set_bio(account, options["bio"])
        verb = "Created" if created else "Found"
        self.stderr.write(f"{verb} sandbox account @{account.handle} (user id {account.user_id}).")
        self.stdout.write("\n".join(credential_lines(account)))
