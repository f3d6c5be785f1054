"""Display filters for mentions: the colour of what a bot decided about one."""

from django import template

from autonomy.models import Mention

register = template.Library()

DECISION_BADGES = {Mention.Decision.REPLIED: "ok", Mention.Decision.SKIPPED: ""}


@register.filter
def decision_badge(decision: str) -> str:
    return DECISION_BADGES.get(decision, "")
