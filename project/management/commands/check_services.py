"""Check that the Celery broker answers before starting the site's processes."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from kombu import Connection


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


class Command(BaseCommand):
    help = "Exit non-zero with one clear sentence if the Celery broker cannot be reached."

    def handle(self, *args, **options):
        url = settings.CELERY_BROKER_URL
        try:
            with Connection(url, connect_timeout=3) as connection:
                connection.ensure_connection(max_retries=1)
        except Exception as error:
            raise CommandError(
                f"The Celery broker at {without_password(url)} cannot be reached "
                f"({type(error).__name__}). Start Redis (e.g. `redis-server --daemonize yes`) "
                "or point CELERY_BROKER_URL at a running broker."
            ) from None
        self.stdout.write(f"Broker reachable at {without_password(url)}.")
