"""`manage.py sandbox_app NAME [--callback URL ...]`: create (or show) a sandbox X app, the
one consumer key and secret that accounts connect to by signing in, printed as X_... lines."""

from django.core.management.base import BaseCommand, CommandError

from xsandbox.accounts import app_credential_lines, ensure_app
from xsandbox.models import App
from xsandbox.signin import is_callback_url


class Command(BaseCommand):
    help = "Create or show a sandbox X app and print its consumer key and secret."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--callback",
            action="append",
            default=[],
            help="A callback URL to register (repeat for several). None registered: any.",
        )

    def handle(self, *args, **options):
        name = options["name"].strip()
        if not name or len(name) > App._meta.get_field("name").max_length:
            raise CommandError("An app's name is 1 to 80 characters.")
        for url in options["callback"]:
            if not is_callback_url(url):
                raise CommandError(f"Not a callback URL (http or https): {url}")
        app, created = ensure_app(name, callback_urls=options["callback"])
        verb = "Created" if created else "Found"
        callbacks = ", ".join(app.callback_urls) or "any"
        self.stderr.write(f"{verb} sandbox app {app.name!r} (callbacks: {callbacks}).")
        self.stdout.write("\n".join(app_credential_lines(app)))
