"""Display filters for corpora: the badge that says whether a corpus's model is usable."""

from django import template
from django.utils.html import format_html

from corpora.models import Corpus

register = template.Library()

Status = Corpus.Status
STATUS_BADGES = {
    Status.EMPTY: ("", Status.EMPTY.label),
    Status.BUILDING: ("", "Building…"),
    Status.READY: ("ok", Status.READY.label),
    Status.FAILED: ("bad", Status.FAILED.label),
}


@register.filter
def status_badge(corpus: Corpus) -> str:
    """A badge for the corpus's status; a failed build says why on hover."""
    colour, label = STATUS_BADGES.get(corpus.status, ("", corpus.get_status_display()))
    css = f"badge {colour}".strip()
    if corpus.has_failed():
        return format_html(
            '<span class="{}" title="{}">{}</span>', css, corpus.status_detail, label
        )
    return format_html('<span class="{}">{}</span>', css, label)
