"""The demo's bridge for `make run`: Tidewatch (Mastodon sandbox) and Skylark (Bluesky
sandbox) on the sandbox's Bridgy Fed, each listening for a word the other's replies carry,
and Tidewatch's opening mention of Skylark, so one answers the other across the bridge
within minutes, until their reply limits stop the exchange."""

from urllib.parse import urlsplit

from django.db import transaction

from bots.listener import save_listener
from bots.models import Bot, Listener
from platforms import base_url_for
from tweets.models import Tweet
from tweets.services import post_now
from xsandbox.bridge.accounts import FEDIVERSE_DOMAIN, set_bluesky_bridged, set_mastodon_bridged
from xsandbox.models import BlueskyAccount, MastodonAccount

# Both speak from the same corpus, where "night" is a common word of the replies it seeds.
DEMO_KEYWORDS = {"Tidewatch": ["night", "light"], "Skylark": ["night", "door"]}
OPENER = "@skylark.bsky.sandbox.test@{domain} What a night it is for watching the tide come in."


def opener_text() -> str:
    return OPENER.format(domain=FEDIVERSE_DOMAIN)


@transaction.atomic
def load_demo_bridge(tidewatch: Bot, skylark: Bot, *, owner) -> None:
    """Put both bots' sandbox accounts on the bridge, give each a listener (once; a person's
    later changes stay) and queue Tidewatch's opener the first time. Rows written:
    MastodonAccount, BlueskyAccount (and their accounts across the bridge), Listener,
    Tweet; the opener's post_tweet is queued on commit."""
    host = urlsplit(base_url_for(Bot.Platform.MASTODON_SANDBOX)).hostname or "localhost"
    set_mastodon_bridged(
        MastodonAccount.objects.get(username=tidewatch.handle.split("@")[0]), True, host=host
    )
    set_bluesky_bridged(BlueskyAccount.objects.get(did=skylark.x_user_id), True)
    for bot in (tidewatch, skylark):
        if not Listener.objects.filter(bot=bot).exists():
            save_listener(
                bot,
                by=owner,
                keywords=DEMO_KEYWORDS[bot.name],
                reply_mode=Bot.PostingMode.AUTOPILOT,
            )
    if not Tweet.objects.filter(bot=tidewatch, text=opener_text()).exists():
        post_now(Tweet.objects.create(bot=tidewatch, text=opener_text()), by=owner)
