"""The social networks Aviary speaks to, and the only way in: `client_for(bot)` for a bot's
network client, `rules_for(bot)` for that network's Rules, `post_url(bot, post_id)` for
where a person reads a post, `post_id_from_link(bot, link)` for the post a pasted link
names, and `sign_in_for(platform)` with `base_url_for(platform)` for
connecting an account to an app by signing in. No Django models here.

Each network a bot may be on (`bot.platform`) is one entry of PLATFORMS, naming the
settings it is reached through and charged by. The sandbox speaks X's API, so it has X's
client and rules, with its own base URL and its own prices (each defaulting to X's).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from types import ModuleType

from django.conf import settings
from django.utils.module_loading import import_string

from platforms.base import Call, Rules
from platforms.bluesky import handles as bluesky_handles
from platforms.bluesky import links as bluesky_links
from platforms.bluesky import rules as bluesky_rules
from platforms.bluesky import signin as bluesky_signin
from platforms.bluesky.client import BlueskyClient
from platforms.mastodon import handles as mastodon_handles
from platforms.mastodon import links as mastodon_links
from platforms.mastodon import rules as mastodon_rules
from platforms.mastodon import signin as mastodon_signin
from platforms.mastodon.client import MastodonClient
from platforms.x import handles as x_handles
from platforms.x import links as x_links
from platforms.x import rules as x_rules
from platforms.x import signin as x_signin
from platforms.x.client import XClient

# OAuth 1.0a: the app's consumer key and secret, and the account's access token and secret.
X_CREDENTIALS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


@dataclass(frozen=True)
class Platform:
    # The network the platform is, or stands in for: the rules of a network (one reply per
    # summons, no identical text across the flock) hold across all of its platforms.
    network: str
    client: Callable  # (bot, *, base_url) -> the network's client
    rules: Rules
    base_url_setting: str
    # Where a person reads a post: a setting holding the site's root (empty means the base
    # URL), and the post's path under it, formatted with `handle` and `post_id`.
    web_url_setting: str
    post_path: str
    # How an account is connected to an app: request_token, authorize_url, access_token.
    sign_in: ModuleType
    # What a person calls the platform ("X", "the X sandbox").
    label: str = "X"
    # The credentials a bot on it needs (names of bots.credentials.Credentials' fields), and
    # those a person may type (Mastodon's token comes only from signing in).
    credential_names: tuple[str, ...] = X_CREDENTIALS
    typed_credential_names: tuple[str, ...] = X_CREDENTIALS
    # Links to its posts as people paste them: a module with `post_id(link, *, roots,
    # base_url, label)` (raising platforms.post_links.NotAPostLink) and `example(root)`.
    links: ModuleType = x_links
    # Is a handle one this network could give: (handle) -> bool, and the rule in words.
    is_valid_handle: Callable[[str], bool] = x_handles.is_valid_handle
    handle_rule: str = x_handles.HANDLE_RULE
    is_sandbox: bool = False
    # Where each server has rules of its own (a Mastodon instance's limit): (base URL) ->
    # its Rules, used instead of `rules`.
    rules_at: Callable[[str], Rules] | None = None


# Mastodon and Bluesky, each beside its sandbox: the same network at another base URL.
MASTODON = Platform(
    network="mastodon",
    client=MastodonClient,
    rules=mastodon_rules.RULES,
    rules_at=mastodon_rules.rules_at,
    base_url_setting="",
    web_url_setting="MASTODON_WEB_URL",
    post_path="/@{user}/{post_id}",
    sign_in=mastodon_signin,
    label="Mastodon",
    credential_names=("access_token",),
    typed_credential_names=(),
    links=mastodon_links,
    is_valid_handle=mastodon_handles.is_valid_handle,
    handle_rule=mastodon_handles.HANDLE_RULE,
)
BLUESKY = Platform(
    network="bluesky",
    client=BlueskyClient,
    rules=bluesky_rules.RULES,
    base_url_setting="BLUESKY_API_BASE_URL",
    web_url_setting="BLUESKY_WEB_URL",
    post_path="/profile/{handle}/post/{rkey}",
    sign_in=bluesky_signin,
    label="Bluesky",
    credential_names=("app_password",),
    typed_credential_names=("app_password",),
    links=bluesky_links,
    is_valid_handle=bluesky_handles.is_valid_handle,
    handle_rule=bluesky_handles.HANDLE_RULE,
)

PLATFORMS = {
    "x": Platform(
        network="x",
        client=XClient,
        rules=x_rules.RULES,
        base_url_setting="X_API_BASE_URL",
        web_url_setting="X_WEB_URL",
        post_path="/{handle}/status/{post_id}",
        sign_in=x_signin,
    ),
    "sandbox": Platform(
        network="x",
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
        sign_in=x_signin,
        label="the X sandbox",
        is_sandbox=True,
    ),
    # Each account names its instance (Bot.server_url), so there is no base URL setting.
    "mastodon": MASTODON,
    "mastodon_sandbox": replace(
        MASTODON,
        base_url_setting="MASTODON_SANDBOX_BASE_URL",
        web_url_setting="MASTODON_SANDBOX_WEB_URL",
        label="the Mastodon sandbox",
        is_sandbox=True,
    ),
    "bluesky": BLUESKY,
    "bluesky_sandbox": replace(
        BLUESKY,
        base_url_setting="BLUESKY_SANDBOX_BASE_URL",
        web_url_setting="BLUESKY_SANDBOX_WEB_URL",
        # xsandbox/bluesky/urls.py's post page.
        post_path="/profile/{handle}/post/{rkey}/",
        label="the Bluesky sandbox",
        is_sandbox=True,
    ),
}


def platform_for(bot) -> Platform:
    return _platform(bot.platform)


def _platform(name: str) -> Platform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise LookupError(f"Aviary does not speak to the platform {name!r}.") from None


def network_of(platform: str) -> str:
    """The network the platform named `platform` is ("x" for X and its sandbox)."""
    return _platform(platform).network


def platforms_on(network: str) -> list[str]:
    """The names of the platforms that are, or stand in for, `network`."""
    return [name for name, platform in PLATFORMS.items() if platform.network == network]


def client_for(bot, *, on_call: Callable | None = None) -> XClient | MastodonClient | BlueskyClient:
    """The client that speaks for `bot` on its network, at the bot's server (a Mastodon
    instance, a Bluesky PDS) or else the base URL of its platform's settings.

    Every billable call it makes is reported to `on_call` (a callable taking a
    platforms.base.Charge), by default to `recorder(bot)` for the recorder factory the
    setting PLATFORM_CALL_RECORDER names: the composition root chooses who keeps the spend,
    since platforms keeps no rows (and may not import the apps above it).
    """
    if on_call is None and settings.PLATFORM_CALL_RECORDER:
        on_call = import_string(settings.PLATFORM_CALL_RECORDER)(bot)
    return platform_for(bot).client(
        bot,
        base_url=bot.server_url or base_url_for(bot.platform),
        on_call=on_call,
        owns_app=owns_app(bot),
    )


def owns_app(bot) -> bool:
    """Whether the bot's account owns the developer app it speaks through (its own reads
    are then X's cheaper owned reads): a bot connected through one of the site's X apps
    does not; a bot with keys of its own is its app's owner."""
    return getattr(bot, "app_id", None) is None


def rules_for(bot) -> Rules:
    """What `bot`'s network allows and charges (on Mastodon, its instance's limits)."""
    platform = platform_for(bot)
    if platform.rules_at is None:
        return platform.rules
    return platform.rules_at(bot.server_url or base_url_for(bot.platform))


def rules_of(platform: str) -> Rules:
    """What the platform named `platform` ("x", "sandbox") allows and charges."""
    return _platform(platform).rules


def post_url(bot, post_id: str) -> str:
    """Where a person reads the post `post_id` of `bot` on its network."""
    platform = platform_for(bot)
    root = _web_roots(bot)[0]
    # A Mastodon handle's user (before its @instance); a Bluesky post's id is its AT URI,
    # read at the record key that ends it.
    user, rkey = bot.handle.split("@")[0], post_id.rpartition("/")[2]
    path = platform.post_path.format(handle=bot.handle, user=user, post_id=post_id, rkey=rkey)
    return root.rstrip("/") + path


def post_id_from_link(bot, link: str) -> str:
    """The id by which `bot` answers the post `link` names: a link to a post on the bot's
    network as a person reads it there (on Mastodon, at the bot's own server), or the bare
    id. NotAPostLink says what to paste instead; a platforms.base error means the network
    could not be asked (resolving a Bluesky handle: one call to resolveHandle)."""
    platform = platform_for(bot)
    return platform.links.post_id(
        link,
        roots=_web_roots(bot),
        base_url=bot.server_url or base_url_for(bot.platform),
        label=platform.label,
    )


def post_link_example(bot) -> str:
    """A link to a post as `bot`'s network shows it, for help texts and placeholders."""
    return platform_for(bot).links.example(_web_roots(bot)[0])


def _web_roots(bot) -> tuple[str, ...]:
    """Where a person reads `bot`'s network: its web root first, then its API's server."""
    platform = platform_for(bot)
    web = getattr(settings, platform.web_url_setting)
    server = bot.server_url or (base_url_for(bot.platform) if platform.base_url_setting else "")
    roots = tuple(dict.fromkeys(root.rstrip("/") for root in (web, server) if root))
    if not roots:
        raise LookupError(f"{bot.name} names no server of {platform.label}.")
    return roots


def base_url_for(platform: str) -> str:
    """The API base URL of the network named `platform` ("x", "sandbox"), from its setting.
    LookupError for a network where each account names its own server (Mastodon)."""
    setting = _platform(platform).base_url_setting
    if not setting:
        raise LookupError(f"Each account on {platform!r} names its own server.")
    return getattr(settings, setting)


def label_of(platform: str) -> str:
    """What a person calls the platform named `platform`: "X", "the X sandbox"."""
    return _platform(platform).label


def credential_names(platform: str) -> tuple[str, ...]:
    """The credentials a bot on `platform` needs before it can post."""
    return _platform(platform).credential_names


def typed_credential_names(platform: str) -> tuple[str, ...]:
    """The credentials a person may type for a bot on `platform` (none on Mastodon, whose
    token comes from signing in)."""
    return _platform(platform).typed_credential_names


def handle_error(platform: str, handle: str) -> str:
    """Why `handle` cannot be an account's handle on `platform`, or '' when it can."""
    entry = _platform(platform)
    return "" if entry.is_valid_handle(handle) else entry.handle_rule


def sign_in_for(platform: str) -> ModuleType:
    """The sign-in of the network named `platform`: a module with `request_token`,
    `authorize_url`, `access_token` and `SignInRefused` (platforms.x.signin for X and the
    sandbox). LookupError for a network Aviary does not speak to."""
    return _platform(platform).sign_in
