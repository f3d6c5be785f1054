"""The demo's Mastodon bot for `make run`: Tidewatch, an account on the Mastodon sandbox
marked as a bot, speaking from the first Sherlock Holmes corpus on autopilot every 90
minutes."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from bots.credentials import CredentialsUnreadable
from bots.models import Bot, Schedule
from bots.schedule import save_schedule
from corpora.models import BotCorpus, Corpus
from platforms import base_url_for
from xsandbox.mastodon.accounts import ensure_account, issue_token
from xsandbox.models import MastodonAccount, MastodonToken

NAME, USERNAME = "Tidewatch", "tidewatch"
SCHEDULE = {
    "kind": Schedule.Kind.INTERVAL,
    "every_minutes": 90,
    "jitter_minutes": 10,
    "time_zone": "Europe/Lisbon",
}


@transaction.atomic
def load_demo_mastodon(*, owner, corpus: Corpus | None) -> Bot:
    """Create (or find) Tidewatch with a working token for its sandbox account, its corpus
    and its schedule (once; a person's later changes stay). Safe to run again."""
    account, _ = ensure_account(USERNAME, display_name=NAME)
    MastodonAccount.objects.filter(pk=account.pk).update(bot=True)
    host = urlsplit(base_url_for(Bot.Platform.MASTODON_SANDBOX)).hostname or "localhost"
    bot, _ = Bot.objects.get_or_create(
        name=NAME,
        defaults={
            "handle": f"{USERNAME}@{host}",
            "platform": Bot.Platform.MASTODON_SANDBOX,
            "posting_mode": Bot.PostingMode.AUTOPILOT,
        },
    )
    if not _token_works(bot, account):
        bot.set_credentials(access_token=issue_token(account))
        bot.x_user_id = account.account_id
        bot.save()
    bot.owners.add(owner)
    if corpus is not None:
        BotCorpus.objects.get_or_create(bot=bot, corpus=corpus)
    if not Schedule.objects.filter(bot=bot).exists():
        # Counted from a slot ago less a minute: a new demo's bot posts within minutes.
        first = timezone.now() - timedelta(minutes=SCHEDULE["every_minutes"] - 1)
        save_schedule(bot, by=owner, now=first, **SCHEDULE)
    return bot


def _token_works(bot: Bot, account: MastodonAccount) -> bool:
    try:
        token = bot.credentials().access_token if bot.has_credentials() else ""
    except CredentialsUnreadable:
        return False
    found = MastodonToken.find(token) if token else None
    return found is not None and found.account_id == account.pk
