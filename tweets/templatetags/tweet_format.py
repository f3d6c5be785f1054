"""Display filters for tweets: state badges and the partial that shows each state."""

from django import template
from django.utils import timezone

from tweets import budget
from tweets.models import Tweet

register = template.Library()

State = Tweet.State
STATE_BADGES = {
    State.DRAFT: "",
    State.APPROVED: "info",
    State.POSTING: "info",
    State.POSTED: "ok",
    State.FAILED: "bad",
    State.REJECTED: "",
    State.UNKNOWN: "warn",
    State.EXPIRED: "warn",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "")


@register.filter
def status_template(tweet: Tweet) -> str:
    """The partial saying where `tweet` stands and what a person may do about it."""
    return f"tweets/includes/tweet_status/{tweet.state}.html"


@register.filter
def queue_hold(tweet: Tweet) -> str:
    """Why a queued tweet waits (tweets.budget.queue_hold), for its card."""
    return budget.queue_hold(tweet, timezone.now())
