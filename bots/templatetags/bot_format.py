"""Display filters for bots: the badge that says whether a bot is posting, the network's name
and the shape of its posts' links, amounts in dollars."""

from django import template
from django.utils.html import format_html, format_html_join

from bots import connecting, spend
from bots.models import Bot
from platforms import label_of, post_link_example

register = template.Library()

# How a bot on each network is reconnected, and what its credentials section takes.
RECONNECT_HOW = {
    "x": 'Sign in at {where} as @{handle} again to reconnect it, or <a href="#credentials">enter '
    "the keys by hand</a>.",
    "mastodon": "Sign in at {where} as @{handle} again to reconnect it: Reconnect takes you to "
    "its server, and only @{handle} is accepted.",
    "bluesky": "Give it a new app password to reconnect it; never the account's main password.",
}
CREDENTIALS_HOW = {
    "x": "Reconnect signs in at {where} instead; type keys here only if you have them from the "
    "developer portal. They are saved encrypted and never shown again.",
    "mastodon": "A Mastodon account has no keys to type: Reconnect signs in at {where} again "
    "as @{handle} and replaces its token, saved encrypted and never shown.",
    "bluesky": "Type a new app password (made in Bluesky under Settings → Privacy and security "
    "→ App passwords) to replace the saved one: Aviary signs in with it at {where} before "
    "saving it encrypted, and never shows it again. Never the account's main password.",
}


@register.filter
def bot_badge(bot: Bot) -> str:
    """Needs attention, out of credit, active or paused, in that order of urgency."""
    if bot.attention_reason:
        colour, label = "warn", "Needs attention"
    elif bot.out_of_credit_reason:
        colour, label = "bad", "Out of credit"
    elif bot.is_active:
        colour, label = "ok", "Active"
    else:
        colour, label = "", "Paused"
    return format_html('<span class="{}">{}</span>', f"badge {colour}".strip(), label)


@register.filter
def network_name(bot: Bot) -> str:
    """ "X", or "the sandbox" for a sandbox bot: a page never calls the sandbox X."""
    return connecting.network_name(bot.platform)


@register.filter
def network_label(bot: Bot) -> str:
    """The network the bot is on, its sandbox included: "X", "Mastodon", "Bluesky"."""
    return label_of(bot.network)


@register.filter
def post_link(bot: Bot) -> str:
    """A link to a post as the bot's network shows it: https://x.com/handle/status/123…"""
    return post_link_example(bot)


@register.filter
def link_breaks(text: str) -> str:
    """The text with a line break allowed after each slash, so that a link in it (a help
    text's example) wraps on a narrow screen instead of widening the page."""
    *heads, tail = str(text).split("/")
    broken = format_html_join("", "{}/<wbr>", ((head,) for head in heads))
    return format_html("{}{}", broken, tail)


@register.filter
def reconnect_how(bot: Bot) -> str:
    """How to reconnect the bot on its network, in a sentence."""
    return _said(RECONNECT_HOW, bot)


@register.filter
def credentials_how(bot: Bot) -> str:
    """What the bot's credentials section takes on its network, in a sentence."""
    return _said(CREDENTIALS_HOW, bot)


def _said(sentences: dict[str, str], bot: Bot) -> str:
    where = connecting.network_name(bot.platform)
    return format_html(sentences[bot.network], where=where, handle=bot.handle)


@register.filter
def dollars(amount) -> str:
    """$1.50, or $0.015 for parts of a cent (bots.spend.dollars)."""
    return spend.dollars(amount)
