"""Display filters for bots: the badge that says whether a bot is posting, the network's name,
amounts in dollars."""

from django import template
from django.utils.html import format_html

from bots import connecting, spend
from bots.models import Bot

register = template.Library()


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
def dollars(amount) -> str:
    """$1.50, or $0.015 for parts of a cent (bots.spend.dollars)."""
    return spend.dollars(amount)
