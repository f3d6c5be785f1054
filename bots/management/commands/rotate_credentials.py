"""Re-encrypt every bot's credentials under the first key of CREDENTIALS_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from bots.credentials import CredentialsUnreadable
from bots.services import rotate_credentials


class Command(BaseCommand):
    help = (
        "Re-encrypt all bot credentials with the newest key. Put the new key first in "
        "CREDENTIALS_KEYS, run this, then drop the old key."
    )

    def handle(self, *args, **options):
        try:
            count = rotate_credentials()
        except CredentialsUnreadable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Re-encrypted the credentials of {count} bot(s) under the newest key.")
