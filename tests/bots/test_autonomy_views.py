"""The bot page's schedule and listening forms: saved through their services, and every
mistake answered with a message on the page, nothing saved."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bots.models import Listener, Schedule

SCHEDULE = {
    "enabled": "on",
    "kind": "interval",
    "every": "3",
    "unit": "hours",
    "times_of_day": "",
    "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
    "time_zone": "Europe/Paris",
    "jitter_minutes": "10",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
}


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_it_saves_a_schedule_and_shows_the_next_slot(logged_in, bot):
    response = logged_in.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE, follow=True)

    schedule = Schedule.objects.get(bot=bot)
    assert (schedule.every_minutes, schedule.time_zone, schedule.jitter_minutes) == (
        180,
        "Europe/Paris",
        10,
    )
    assert schedule.next_run_at is not None
    html = response.content.decode()
    assert "Schedule saved: every 3 h (Europe/Paris), up to 10 min late at random" in html
    assert "Next slot:" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "is not a time zone name"),
        ({"jitter_minutes": "200"}, "Jitter must be shorter than the interval."),
        ({"kind": "times", "times_of_day": ""}, "Give at least one time of day."),
        ({"kind": "times", "times_of_day": "25:99"}, "is not a time of day like 09:30"),
        ({"kind": "times", "times_of_day": "09:00", "weekdays": []}, "Choose at least one day"),
        ({"quiet_end": ""}, "Give both ends of the quiet hours, or neither."),
        ({"every": "0"}, "greater than or equal to 1"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_message(logged_in, bot, change, message):
    response = logged_in.post(reverse("bots:schedule", args=[bot.pk]), {**SCHEDULE, **change})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Schedule.objects.filter(bot=bot).exists()


def test_it_saves_what_the_bot_listens_for(logged_in, bot):
    response = logged_in.post(
        reverse("bots:listener", args=[bot.pk]),
        {
            "enabled": "on",
            "keywords": "Door, window;  door",
            "reply_mode": "autopilot",
            "max_replies_per_conversation": "2",
            "max_replies_per_hour": "6",
            "cooldown_minutes": "30",
        },
    )

    assert response.status_code == 302
    listener = Listener.objects.get(bot=bot)
    assert listener.keywords == ["door", "window"]
    assert listener.cooldown == timedelta(minutes=30)
    assert (listener.reply_mode, listener.max_replies_per_conversation) == ("autopilot", 2)


def test_listening_without_a_keyword_is_refused(logged_in, bot):
    response = logged_in.post(
        reverse("bots:listener", args=[bot.pk]),
        {
            "enabled": "on",
            "keywords": " , ",
            "reply_mode": "review",
            "max_replies_per_conversation": "3",
            "max_replies_per_hour": "10",
            "cooldown_minutes": "15",
        },
    )

    assert response.status_code == 400
    assert "Give at least one keyword to listen for." in response.content.decode()
    assert not Listener.objects.exists()


def test_the_dashboard_shows_the_next_scheduled_slot(logged_in, bot):
    logged_in.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE)

    html = logged_in.get(reverse("dashboard")).content.decode()

    assert "Next scheduled slot" in html
    assert "from now" in html


def test_the_admin_shows_the_schedule_and_sends_changes_to_the_bot_page(client, superuser, bot):
    client.force_login(superuser)
    client.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE)

    html = client.get(reverse("admin:bots_bot_change", args=[bot.pk])).content.decode()

    assert "Posts every 3 h (Europe/Paris)" in html
    assert f"{reverse('bots:detail', args=[bot.pk])}#schedule" in html
