"""Load the demo flock (idempotent): what `make run` shows a new user."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from project.demo.autonomy import load_demo_autonomy
from project.demo.corpora import load_demo_corpora


class Command(BaseCommand):
    help = "Create the demo sandbox bots, owned by the first superuser. Safe to run again."

    def handle(self, *args, **options):
        if not apps.is_installed("xsandbox"):
            raise CommandError(
                "The demo bots speak to the X API sandbox, which is off here: "
                "set XSANDBOX_ENABLED=true (the default with DEBUG) and run load_demo again."
            )
        # Imported here, after the check, as django.contrib.sites.shortcuts does: the demo
        # flock is made of sandbox accounts, whose models cannot load without the app.
        from project.demo.bridge import load_demo_bridge
        from project.demo.flock import (
            demo_owner,
            load_demo_app,
            load_demo_bluesky_bot,
            load_demo_data,
        )
        from project.demo.mastodon import load_demo_mastodon

        owner = demo_owner()
        if owner is None:
            raise CommandError("Create an admin first: python manage.py ensure_admin")
        bots = load_demo_data(owner=owner)
        load_demo_app(owner=owner)
        corpora = load_demo_corpora(bots, owner=owner)
        load_demo_autonomy(bots, owner=owner)
        tidewatch = load_demo_mastodon(owner=owner, corpus=corpora[0] if corpora else None)
        skylark = load_demo_bluesky_bot(owner=owner, corpus=corpora[0])
        # Tidewatch and Skylark answer each other across the sandbox's Bridgy Fed.
        load_demo_bridge(tidewatch, skylark, owner=owner)
        bots += [tidewatch, skylark]
        self.stdout.write(f"Demo data ready: {', '.join(bot.name for bot in bots)}.")
