"""A bot's time zone: its schedule's, or the site's when it has no schedule. Times shown for a
bot and times entered for it are read in this zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from bots.models import Bot


def zone_of(bot: Bot) -> ZoneInfo:
    """The zone the bot's schedule runs in (select_related("schedule") saves the query)."""
    try:
        name = bot.schedule.time_zone
    except ObjectDoesNotExist:
        name = settings.TIME_ZONE
    return ZoneInfo(name)


def bot_local(moment: datetime, bot: Bot) -> datetime:
    """`moment` on the bot's clock."""
    return moment.astimezone(zone_of(bot))


def zone_label(bot: Bot, *, at: datetime) -> str:
    """The zone's name and its abbreviation at `at`: "Europe/Paris, CET"."""
    zone = zone_of(bot)
    abbreviation = at.astimezone(zone).tzname()
    return f"{zone.key}, {abbreviation}" if abbreviation != zone.key else zone.key
