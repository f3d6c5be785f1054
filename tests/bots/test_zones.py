"""A bot's clock: its schedule's time zone, or the site's, and times shown on it named."""

from datetime import UTC, datetime

from django.template import Context, Template

from bots.models import Schedule
from bots.zones import bot_local, zone_label, zone_of


def test_a_bot_without_a_schedule_keeps_the_sites_time_zone(bot, settings):
    settings.TIME_ZONE = "UTC"
    assert zone_of(bot).key == "UTC"


def test_a_bot_with_a_schedule_runs_on_its_schedules_zone(bot):
    Schedule.objects.create(bot=bot, time_zone="Europe/Paris")
    bot.refresh_from_db()
    winter = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert bot_local(winter, bot).hour == 18
    assert zone_label(bot, at=winter) == "Europe/Paris, CET"
    assert zone_label(bot, at=datetime(2026, 7, 1, tzinfo=UTC)) == "Europe/Paris, CEST"


def test_the_bot_time_filter_names_the_zone_it_shows(bot):
    Schedule.objects.create(bot=bot, time_zone="Europe/Paris")
    bot.refresh_from_db()
    html = Template("{% load bot_time %}Queued for {{ at|bot_time:bot }}").render(
        Context({"at": datetime(2026, 12, 1, 17, 30, tzinfo=UTC), "bot": bot})
    )
    assert html == "Queued for Tue 1 Dec, 18:30 CET"


def test_the_bot_time_filter_shows_nothing_for_no_time(bot):
    html = Template("{% load bot_time %}[{{ at|bot_time:bot }}]").render(
        Context({"at": None, "bot": bot})
    )
    assert html == "[]"
