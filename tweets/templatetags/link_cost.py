"""The review card's note on a draft with a link (tweets.links.link_cost_note)."""

from django import template

from tweets.links import link_cost_note as note

register = template.Library()


@register.filter
def link_cost_note(tweet) -> str:
    """'' for a text without a link, or on a network where links cost no more."""
    return note(tweet.bot, tweet.text)
