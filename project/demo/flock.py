"""Demo data for `make run`: a small flock that works with no X account and no network."""

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from bots.connecting import save_app
from bots.credentials import Credentials, CredentialsUnreadable
from bots.gallery import set_alt_text, store_processed
from bots.images import ingest_image
from bots.models import Bot, Schedule, XApp
from bots.schedule import save_schedule
from corpora.models import BotCorpus
from xsandbox.accounts import app_credentials, credentials_of, ensure_account, ensure_app
from xsandbox.bluesky.accounts import ensure_account as ensure_bluesky_account

DEMO_APP = "Aviary sandbox app"

DEMO_BOTS = [
    {"name": "Lighthouse", "handle": "lighthouse_bot", "posting_mode": Bot.PostingMode.REVIEW},
    {"name": "Almanac", "handle": "almanac_bot", "posting_mode": Bot.PostingMode.AUTOPILOT},
]
# Pictures drawn here rather than shipped: (sky, sea, accent colour, alt text).
DEMO_PICTURES = {
    "Lighthouse": [
        ((24, 40, 80), (20, 70, 110), (250, 220, 120), "A lighthouse beam over a night sea."),
        ((150, 190, 220), (40, 100, 140), (230, 60, 50), "A red lighthouse on a calm day."),
    ],
    "Almanac": [
        ((235, 225, 200), (200, 185, 150), (120, 60, 30), "A yellowed almanac page."),
        ((250, 240, 215), (180, 150, 110), (60, 90, 60), "A calendar leaf, green seal."),
    ],
}


@transaction.atomic
def load_demo_data(*, owner) -> list[Bot]:
    """Create (or find) the demo sandbox bots, each speaking as a sandbox account of the same
    handle, owned by `owner`. Safe to run repeatedly: a bot whose stored credentials are not
    its sandbox account's (the sandbox was reset, the key changed) gets them again."""
    bots = []
    for spec in DEMO_BOTS:
        bot, _ = Bot.objects.get_or_create(
            name=spec["name"],
            defaults={
                "handle": spec["handle"],
                "platform": Bot.Platform.SANDBOX,
                "posting_mode": spec["posting_mode"],
            },
        )
        account, _ = ensure_account(spec["handle"], name=spec["name"])
        if _stored_credentials(bot) != Credentials(**credentials_of(account)):
            bot.set_credentials(**credentials_of(account))
            bot.x_user_id = account.user_id
            bot.save()
        bot.owners.add(owner)
        if not bot.images.exists():
            _add_pictures(bot)
            Bot.objects.filter(pk=bot.pk).update(auto_image_percent=50)
        bots.append(bot)
    return bots


@transaction.atomic
def load_demo_app(*, owner) -> XApp:
    """The sandbox's developer app and the site's record of it, so Add bot connects sandbox
    accounts with two clicks. Its keys are set again if the sandbox's changed."""
    sandbox_app, _ = ensure_app(DEMO_APP)
    keys = app_credentials(sandbox_app)
    app = XApp.objects.filter(name=DEMO_APP).first()
    if app is not None:
        try:
            if app.consumer_credentials() == (keys["consumer_key"], keys["consumer_secret"]):
                return app
        except CredentialsUnreadable:
            pass  # under keys no longer held: store the sandbox's anew
    else:
        app = XApp(name=DEMO_APP, platform=Bot.Platform.SANDBOX, is_default=True)
    return save_app(app, key=keys["consumer_key"], secret=keys["consumer_secret"], by=owner)


def _add_pictures(bot: Bot) -> None:
    """Give the bot a small gallery, through the same checks as an upload."""
    for sky, sea, accent, alt_text in DEMO_PICTURES.get(bot.name, []):
        picture = Image.new("RGB", (1200, 675), sky)
        draw = ImageDraw.Draw(picture)
        draw.rectangle((0, 430, 1200, 675), fill=sea)
        draw.rectangle((560, 170, 640, 430), fill=accent)
        draw.polygon([(540, 170), (660, 170), (600, 110)], fill=accent)
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        added = store_processed(bot, ingest_image(buffer.getvalue(), name=f"{bot.handle}.png"))
        set_alt_text(added.image, text=alt_text)


def _stored_credentials(bot: Bot) -> Credentials | None:
    try:
        return bot.credentials() if bot.has_credentials() else None
    except CredentialsUnreadable:
        return None


def demo_owner():
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


# --- Bluesky ---
# One bot on the Bluesky sandbox, posting on its own from the first corpus.
DEMO_BLUESKY_BOT = {"name": "Skylark", "handle": "skylark.bsky.sandbox.test"}
DEMO_BLUESKY_SCHEDULE = {
    "kind": Schedule.Kind.INTERVAL,
    "every_minutes": 90,
    "jitter_minutes": 10,
    "time_zone": "Europe/Paris",
}


@transaction.atomic
def load_demo_bluesky_bot(*, owner, corpus) -> Bot:
    """Skylark, on the Bluesky sandbox, speaking from `corpus` on autopilot every 90 minutes.
    Each run gives its sandbox account a new app password (a PDS shows one only once) and
    the bot that password; its session, once made, is refreshed."""
    spec = DEMO_BLUESKY_BOT
    account, app_password = ensure_bluesky_account(spec["handle"], name=spec["name"])
    bot, _ = Bot.objects.get_or_create(
        name=spec["name"],
        defaults={
            "handle": account.handle,
            "platform": Bot.Platform.BLUESKY_SANDBOX,
            "posting_mode": Bot.PostingMode.AUTOPILOT,
        },
    )
    bot.set_credentials(app_password=app_password)
    bot.x_user_id = account.did
    bot.save()
    bot.owners.add(owner)
    BotCorpus.objects.get_or_create(bot=bot, corpus=corpus)
    if not Schedule.objects.filter(bot=bot).exists():
        # Counted from a slot ago less a minute: a new demo's bot posts within minutes.
        first = timezone.now() - timedelta(minutes=DEMO_BLUESKY_SCHEDULE["every_minutes"] - 1)
        save_schedule(bot, by=owner, now=first, **DEMO_BLUESKY_SCHEDULE)
    return bot
