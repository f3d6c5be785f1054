"""Re-encrypt every stored secret (bots' credentials, X apps' keys, pending sign-ins) under
the first key of CREDENTIALS_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from bots.credentials import CredentialsUnreadable
from bots.services import rotate_credentials


class Command(BaseCommand):
    help = (
        "Re-encrypt all bot credentials and X app keys with the newest key. Put the new key "
        "first in CREDENTIALS_KEYS, run this, then drop the old key."
    )

    def handle(self, *args, **options):
        try:
            counts = rotate_credentials()
        except CredentialsUnreadable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Re-encrypted under the newest key: the credentials of {counts['bots']} bot(s), "
            f"the keys of {counts['apps']} X app(s) and {counts['sign-ins']} pending sign-in(s)."
        )
