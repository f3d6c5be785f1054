"""Demo data for `make run`: a small flock that works with no X account and no network."""

from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.db import transaction

from bots.credentials import CredentialsUnreadable
from bots.models import Bot
from xsandbox.accounts import credentials_of, ensure_account

DEMO_BOTS = [
    {"name": "Lighthouse", "handle": "lighthouse_bot", "posting_mode": Bot.PostingMode.REVIEW},
    {"name": "Almanac", "handle": "almanac_bot", "posting_mode": Bot.PostingMode.AUTOPILOT},
]


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
        if _stored_credentials(bot) != credentials_of(account):
            bot.set_credentials(**credentials_of(account))
            bot.x_user_id = account.user_id
            bot.save()
        bot.owners.add(owner)
        bots.append(bot)
    return bots


def _stored_credentials(bot: Bot) -> dict[str, str] | None:
    try:
        return asdict(bot.credentials()) if bot.has_credentials() else None
    except CredentialsUnreadable:
        return None


def demo_owner():
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
