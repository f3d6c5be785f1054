"""How every page says when something happened or happens: "just now" rather than
"0 minutes ago", and "due now" rather than a moment already past."""

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone

register = template.Library()

JUST_NOW = datetime.timedelta(minutes=1)


@register.filter
def when(moment: datetime.datetime | None) -> str:
    """ "just now" within a minute either side, else "3 minutes ago", "in 2 hours"."""
    if moment is None:
        return ""
    if abs(timezone.now() - moment) < JUST_NOW:
        return "just now"
    return naturaltime(moment)


@register.filter
def when_due(moment: datetime.datetime | None) -> str:
    """When something waiting is due: "due now" once its time has come, else as `when`."""
    if moment is None:
        return ""
    if moment <= timezone.now():
        return "due now"
    return when(moment)


FIELD_PARTIALS = {"checkbox": "checkbox", "checkboxselectmultiple": "choices"}


@register.filter
def field_partial(field) -> str:
    """The partial laying out a form field: a checkbox inside its label, a set of choices in
    a fieldset with its legend, anything else under its label (includes/fields/)."""
    return f"includes/fields/{FIELD_PARTIALS.get(field.widget_type, 'plain')}.html"
