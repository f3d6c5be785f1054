"""Times for a bot, on its clock and named: "Tue 1 Dec, 18:30 CET" (bots.zones)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

from bots.models import Bot
from bots.zones import bot_local, zone_label

register = template.Library()


@register.filter
def bot_time(moment: datetime | None, bot: Bot) -> str:
    """`moment` in `bot`'s time zone with the zone's abbreviation; "" for no time."""
    if moment is None:
        return ""
    local = bot_local(moment, bot)
    return f"{format_date(local, 'D j M, H:i')} {local.tzname()}"


@register.filter
def bot_zone(bot: Bot, moment: datetime | None = None) -> str:
    """The bot's zone as a field's label names it: "Europe/Paris, CET"."""
    return zone_label(bot, at=moment or timezone.now())
