"""Forms in the browser: a failed save shows its banner in the first screen, the banner's link
leads to the field, and a reload is the page again, never a 405; every destructive action is
confirmed with JavaScript and asked on a page of its own without it."""

import pytest
from playwright.sync_api import expect

from bots.models import BotGroup, BotImage
from corpora.models import CorpusSource
from corpora.services import add_text_source, link_corpus
from tests.factories import make_bot, make_corpus, make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_failed_schedule_shows_its_banner_first_and_reloads_as_a_page(
    browser, credential_keys, owner, live_server, width
):
    bot = make_bot(owners=[owner], name="Tidewatch")
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/bots/{bot.pk}/#schedule")

    page.fill("input[name=time_zone]", "Mars/Olympus")
    page.click("button:has-text('Save schedule')")

    banner = page.locator("#form-banner")
    expect(banner).to_contain_text("The schedule was not saved")
    expect(banner).to_be_in_viewport()
    banner.locator("a", has_text="Time zone").click()
    expect(page.locator("#id_time_zone")).to_be_in_viewport()
    expect(page.locator(".field.invalid .error")).to_contain_text("is not a time zone name")
    assert page.reload().status == 200


def test_the_schedule_shows_only_the_fields_of_its_kind(
    browser, credential_keys, owner, live_server
):
    bot = make_bot(owners=[owner], name="Tidewatch")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/bots/{bot.pk}/#schedule")

    page.select_option("select[name=kind]", "times")
    expect(page.locator("input[name=every]")).to_be_hidden()
    expect(page.locator("input[name=times_of_day]")).to_be_visible()
    page.select_option("select[name=kind]", "interval")
    expect(page.locator("input[name=every]")).to_be_visible()
    expect(page.locator("input[name=times_of_day]")).to_be_hidden()


def destructive_pages(owner):
    """Each destructive action: the page with its button, the button's text, and whether
    the thing it destroys is still there."""
    bot = make_bot(owners=[owner], name="Keeper")
    make_image(bot=bot)
    corpus = make_corpus(created_by=owner)
    add_text_source(corpus, text="The sea was calm. The light was on.", name="notes")
    link_corpus(corpus, bot=bot, weight=1.0)
    group = BotGroup.objects.create(name="Keepers", created_by=owner)
    return [
        (f"/bots/{bot.pk}/gallery/", "Delete", lambda: BotImage.objects.in_gallery().exists()),
        (f"/corpora/{corpus.pk}/", "Remove", lambda: CorpusSource.objects.exists()),
        (f"/bots/groups/{group.pk}/", "Delete group", lambda: BotGroup.objects.exists()),
    ]


def test_every_destructive_action_asks_first_and_acts_once_confirmed(
    browser, credential_keys, owner, live_server
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, owner)
    for path, button, still_there in destructive_pages(owner):
        page.goto(f"{live_server.url}{path}")
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click(f"button:text-is('{button}')")
        page.wait_for_load_state()
        assert still_there(), f"{path}: {button} acted though the person said no"

        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click(f"button:text-is('{button}')")
        assert not still_there(), f"{path}: {button} did nothing once confirmed"


def test_without_javascript_a_destructive_action_asks_on_its_own_page(
    browser, credential_keys, owner, live_server
):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, owner)
    for path, button, still_there in destructive_pages(owner):
        page.goto(f"{live_server.url}{path}")
        page.click(f"button:text-is('{button}')")
        expect(page.locator("h1")).to_contain_text("?")
        assert still_there(), f"{path}: {button} acted without asking"
        assert page.reload().status == 200

        page.click("form button[type=submit].primary")
        assert not still_there(), f"{path}: {button} did nothing once confirmed"
