"""The social networks Aviary speaks to, and the only way in: `client_for(bot)` for a bot's
network client, `rules_for(bot)` for that network's Rules and `post_url(bot, post_id)` for
where a person reads a post. No Django models here.

Each network a bot may be on (`bot.platform`) is one entry of PLATFORMS, naming the
settings it is reached through and charged by. The sandbox speaks X's API, so it has X's
client and rules, with its own base URL and its own prices (each defaulting to X's).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings

from platforms.base import Call, Rules
from platforms.x import rules as x_rules
from platforms.x.client import XClient


@dataclass(frozen=True)
class Platform:
    client: Callable  # (bot, *, base_url) -> the network's client
    rules: Rules
    base_url_setting: str
    # Where a person reads a post: a setting holding the site's root (empty means the base
    # URL), and the post's path under it, formatted with `handle` and `post_id`.
    web_url_setting: str
    post_path: str


PLATFORMS = {
    "x": Platform(
        client=XClient,
        rules=x_rules.RULES,
        base_url_setting="X_API_BASE_URL",
        web_url_setting="X_WEB_URL",
        post_path="/{handle}/status/{post_id}",
    ),
    "sandbox": Platform(
        client=XClient,
        rules=replace(
            x_rules.RULES,
            price_settings={
                Call.POST: "SANDBOX_PRICE_PER_POST_USD",
                Call.POST_WITH_URL: "SANDBOX_PRICE_PER_POST_WITH_LINK_USD",
                Call.SUMMONED_REPLY: "SANDBOX_PRICE_PER_SUMMONED_REPLY_USD",
                Call.MEDIA_METADATA: "SANDBOX_PRICE_PER_MEDIA_METADATA_USD",
                Call.POST_READ: "SANDBOX_PRICE_PER_POST_READ_USD",
                Call.USER_READ: "SANDBOX_PRICE_PER_USER_READ_USD",
                Call.OWNED_READ: "SANDBOX_PRICE_PER_OWNED_READ_USD",
            },
        ),
        base_url_setting="SANDBOX_BASE_URL",
        web_url_setting="SANDBOX_WEB_URL",
        # xsandbox/urls.py's post page.
        post_path="/status/{post_id}/",
    ),
}


def platform_for(bot) -> Platform:
    try:
        return PLATFORMS[bot.platform]
    except KeyError:
        raise LookupError(f"Aviary does not speak to the platform {bot.platform!r}.") from None


def client_for(bot) -> XClient:
    """The client that speaks for `bot` on its network, at the base URL of its settings."""
    platform = platform_for(bot)
    return platform.client(bot, base_url=getattr(settings, platform.base_url_setting))


def rules_for(bot) -> Rules:
    """What `bot`'s network allows and charges."""
    return platform_for(bot).rules


def post_url(bot, post_id: str) -> str:
    """Where a person reads the post `post_id` of `bot` on its network."""
    platform = platform_for(bot)
    root = getattr(settings, platform.web_url_setting) or getattr(
        settings, platform.base_url_setting
    )
    path = platform.post_path.format(handle=bot.handle, post_id=post_id)
    return root.rstrip("/") + path
