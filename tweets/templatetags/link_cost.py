"""The review card's note on a draft with a link: what the link costs on the bot's network,
and what the bot's link setting does with it."""

from django import template

from bots.models import Bot
from platforms import rules_for
from platforms.base import Call

register = template.Library()

POLICY_NOTES = {
    Bot.LinkPolicy.KEEP: "The bot keeps links",
    Bot.LinkPolicy.STRIP: "The bot strips links as it is approved",
    Bot.LinkPolicy.REPLY: "The bot moves links into a reply to its own post as it is approved",
}


@register.filter
def link_cost_note(tweet) -> str:
    """'' for a text without a link, or on a network where links cost no more."""
    rules = rules_for(tweet.bot)
    if not rules.has_url(tweet.text):
        return ""
    plain, with_link = rules.price(Call.POST), rules.post_price(tweet.text)
    if with_link <= plain:
        return ""
    return (
        f"This post has a link: it costs ${with_link.normalize():f} instead of "
        f"${plain.normalize():f}, {rules.link_price_ratio()} times as much. "
        f"{POLICY_NOTES[tweet.bot.link_policy]} (the bot's settings)."
    )
