"""A bot maker in the browser sets up a schedule and listening on the bot's page, sees the
next slot, then groups bots and pauses the group from its page."""

import pytest
from playwright.sync_api import expect

from bots.models import Bot, BotGroup, Listener, Schedule
from tests.factories import make_bot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")


def test_it_sets_a_schedule_and_listening_then_pauses_a_group(
    credential_keys, owner, page, live_server
):
    bot = make_bot(owners=[owner], name="Keeper")
    make_bot(owners=[owner], name="Ferry")
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/bots/{bot.pk}/")

    schedule = page.locator("#schedule form")
    schedule.locator("select[name=kind]").select_option("times")
    schedule.locator("input[name=times_of_day]").fill("08:30, 20:15")
    schedule.locator("input[name=time_zone]").fill("Mars/Olympus")
    schedule.locator("button[type=submit]").click()
    expect(page.locator("#schedule")).to_contain_text("is not a time zone name")

    schedule = page.locator("#schedule form")
    schedule.locator("input[name=time_zone]").fill("Europe/Lisbon")
    schedule.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Schedule saved: at 08:30, 20:15")
    expect(page.locator("#schedule")).to_contain_text("Next slot:")
    assert Schedule.objects.get(bot=bot).times_of_day == ["08:30", "20:15"]

    listening = page.locator("#listening form")
    listening.locator("input[name=keywords]").fill("tide, harbour")
    listening.get_by_role("button", name="Save listening").click()
    expect(page.locator("#listening")).to_contain_text("Listening for tide, harbour")
    assert Listener.objects.get(bot=bot).keywords == ["tide", "harbour"]

    page.goto(f"{live_server.url}/bots/groups/")
    page.fill("input[name=name]", "Coast")
    page.get_by_role("button", name="Create group").click()
    # On the group's page, bots are added by name with the bot picker.
    for name in ("Keeper", "Ferry"):
        page.get_by_label("Add a bot").fill(name)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("#members")).to_contain_text(name)
    page.get_by_role("button", name="Pause all").click()
    expect(page.locator("body")).to_contain_text("Paused 2 bots in Coast.")
    assert not Bot.objects.filter(groups=BotGroup.objects.get(), is_active=True).exists()
