"""Builders for the integration and browser tests: sandbox bots with real sandbox
credentials, ready corpora, approved tweets, and a look at what the sandbox holds."""

import io
import re
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from bots.models import Bot
from corpora.models import BotCorpus
from corpora.services import build_corpus_model
from platforms import client_for
from tests.factories import make_corpus
from tweets import services
from tweets.models import Tweet
from xsandbox.bluesky import accounts as bluesky_accounts
from xsandbox.mastodon import accounts as mastodon_accounts
from xsandbox.models import Account

DEMO_TEXT = Path(__file__).resolve().parents[2] / "project/demo/texts/adventures-1-6.txt"


def sandbox_credentials(handle: str) -> dict[str, str]:
    """Create the sandbox account through its management command, as a person would."""
    out = io.StringIO()
    call_command("sandbox_account", handle=handle, stdout=out)
    pairs = dict(re.findall(r"^X_([A-Z_]+)=(\S+)$", out.getvalue(), flags=re.M))
    return {name.lower(): value for name, value in pairs.items()}


def sandbox_bot(*, name: str, handle: str, owners=(), **fields) -> Bot:
    fields.setdefault("daily_post_cap", 1000)
    bot = Bot(name=name, handle=handle, platform=Bot.Platform.SANDBOX, **fields)
    bot.set_credentials(**sandbox_credentials(handle))
    # As connecting (or verifying) the bot leaves it: the sandbox shows its owners its pages.
    bot.x_user_id = Account.objects.get(handle=handle).user_id
    bot.save()
    bot.owners.add(*owners)
    return bot


def mastodon_sandbox_bot(*, name: str, username: str, owners=(), **fields) -> Bot:
    """A bot on the Mastodon sandbox, as connecting it leaves it: its token, account id and
    handle user@instance."""
    fields.setdefault("daily_post_cap", 1000)
    account, _ = mastodon_accounts.ensure_account(username)
    bot = Bot(
        name=name,
        handle=f"{username}@localhost",
        platform=Bot.Platform.MASTODON_SANDBOX,
        x_user_id=account.account_id,
        **fields,
    )
    bot.set_credentials(access_token=mastodon_accounts.issue_token(account))
    bot.save()
    bot.owners.add(*owners)
    return bot


def ready_corpus_for(bot: Bot, *, text: str | None = None):
    corpus = make_corpus(text=text or DEMO_TEXT.read_text()[:200_000])
    build_corpus_model(corpus)
    BotCorpus.objects.create(bot=bot, corpus=corpus)
    return corpus


def approve_many(bot: Bot, texts: list[str], *, by=None) -> list[Tweet]:
    """Approve drafts in one transaction: their post_tweet messages go out on commit."""
    with transaction.atomic():
        tweets = [Tweet.objects.create(bot=bot, text=text) for text in texts]
        for tweet in tweets:
            services.approve_tweet(tweet, by=by)
    return tweets


def sandbox_timeline(bot: Bot) -> dict[str, str]:
    """What the sandbox says the bot posted, read over HTTP through platforms.client_for:
    id -> text."""
    return {post.id: post.text for post in client_for(bot).recent_posts()}


def set_faults(handle: str, **options) -> None:
    call_command("sandbox_faults", handle=handle, stdout=io.StringIO(), **options)


def bluesky_sandbox_bot(*, name: str, handle: str, owners=(), **fields) -> Bot:
    """A bot on the Bluesky sandbox, as connecting leaves it: its DID and app password."""
    account, app_password = bluesky_accounts.ensure_account(handle, name=name)
    fields.setdefault("daily_post_cap", 1000)
    bot = Bot(name=name, handle=account.handle, platform=Bot.Platform.BLUESKY_SANDBOX, **fields)
    bot.set_credentials(app_password=app_password)
    bot.x_user_id = account.did
    bot.save()
    bot.owners.add(*owners)
    return bot
