"""Display filters for tweets: state badges."""

from django import template

register = template.Library()

STATE_BADGES = {
    "draft": "",
    "approved": "info",
    "posting": "info",
    "posted": "ok",
    "failed": "bad",
    "rejected": "",
    "unknown": "warn",
    "expired": "warn",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "")
