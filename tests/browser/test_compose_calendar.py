"""The composer and the calendar in the browser, through a real worker, beat and the
sandbox: a post written by hand goes out now; one written for a time shows on the calendar,
is moved there and goes out at its new time; times are read and shown on the bot's clock.
Both pages at 1280 and 390 px without horizontal scroll, their screenshots saved."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bots.models import Schedule
from tests.browser.test_review_flow import log_in
from tests.factories import make_image
from tests.integration.processes import wait_until
from tests.integration.test_pipeline import processes  # noqa: F401 - the fixture, shared
from tests.integration.world import sandbox_bot, sandbox_timeline
from tweets.models import Tweet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def lamplighter(processes, owner):  # noqa: F811
    """A sandbox bot on Paris time (its schedule off: nothing posts but what a person
    approves), a worker and beat, whose sweep sends tweets when their time comes."""
    bot = sandbox_bot(name="Lamplighter", handle="lamplighter", owners=[owner])
    Schedule.objects.create(bot=bot, time_zone="Europe/Paris", enabled=False)
    processes.worker("w1")
    processes.beat()
    return bot


def no_horizontal_scroll(page) -> bool:
    """The page's content fits the window. (The site's nav at 390 px is the shell's, issue
    16's every-page test checks the whole document.)"""
    return page.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth")


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def paris_input(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def test_a_post_written_by_hand_and_approved_now_is_posted(lamplighter, page, live_server, owner):
    make_image(bot=lamplighter, alt_text="A lamp lit at dusk")
    log_in(page, live_server, owner)
    page.click("text=Write a post")
    page.fill("input[name=bot]", lamplighter.name)
    page.click("button:has-text('Write for this bot')")
    expect(page.locator("h1")).to_contain_text("Write a post for Lamplighter")
    expect(page.locator(".composer")).to_contain_text("Europe/Paris, CE")
    page.fill("textarea[name=text]", "Lit by hand, at dusk.")
    expect(page.locator("#compose-count .count")).to_have_text("21 / 280")
    page.check("input[name=images]")
    shoot(page, "composer-1280")
    page.click("button:has-text('Approve now')")

    expect(page.locator(".tweet-card .badge").first).to_have_text("Posted", timeout=30_000)
    tweet = Tweet.objects.get(bot=lamplighter)
    assert (tweet.source, tweet.state) == ("manual", "posted")
    assert list(sandbox_timeline(lamplighter).values()) == ["Lit by hand, at dusk."]


def test_a_post_for_a_time_is_on_the_calendar_moved_and_posted_at_its_new_time(
    lamplighter,
    page,
    live_server,
    owner,
    processes,  # noqa: F811
):
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/tweets/compose/?bot={lamplighter.pk}")
    page.fill("textarea[name=text]", "Lit tomorrow, or sooner.")
    tomorrow = timezone.now() + timedelta(days=1)
    page.fill("input[name=at]", paris_input(tomorrow))
    page.click("button:has-text('Approve for then')")
    local = tomorrow.astimezone(PARIS)
    expect(page.locator(".tweet-card .status")).to_contain_text(
        f"Queued for {local:%a} {local.day} {local:%b, %H:%M} {local.tzname()}"
    )

    page.goto(f"{live_server.url}/tweets/calendar/?bot={lamplighter.pk}&start={local:%Y-%m-%d}")
    entry = page.locator(".calendar-entry", has_text="Lit tomorrow, or sooner.")
    expect(entry).to_contain_text(f"{local:%H:%M} {local.tzname()}")
    shoot(page, "calendar-week-1280")
    # Moved to the start of a minute 30 to 90 seconds from now, on the bot's clock.
    soon = (timezone.now() + timedelta(seconds=90)).replace(second=0, microsecond=0)
    entry.locator("input[name=at]").fill(paris_input(soon))
    entry.locator("button:has-text('Move')").click()
    expect(page.locator(".messages")).to_contain_text("Queued for")

    tweet = Tweet.objects.get(bot=lamplighter)
    assert tweet.scheduled_for == soon
    assert tweet.state == "approved"
    wait_until(
        lambda: Tweet.objects.filter(pk=tweet.pk, state="posted").exists(),
        timeout=150,
        message=f"the moved tweet never posted:\n{processes.logs()}",
    )
    tweet.refresh_from_db()
    assert tweet.posted_at >= soon
    assert list(sandbox_timeline(lamplighter).values()) == ["Lit tomorrow, or sooner."]
    page.goto(f"{live_server.url}/tweets/calendar/?bot={lamplighter.pk}")
    expect(page.locator(".calendar-entry", has_text="Lit tomorrow")).to_contain_text("Posted")


def test_post_at_on_a_review_card_is_read_in_paris(lamplighter, page, live_server, owner):
    draft = Tweet.objects.create(bot=lamplighter, text="Lit in winter.")
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/tweets/review/")
    card = page.locator(f"#tweet-{draft.pk}")
    expect(card.locator(".approve-at")).to_contain_text("Europe/Paris")
    card.locator("button:has-text('Approve for then')").click()
    expect(card.locator(".error")).to_have_text("Choose a date and time to approve it for.")
    card.locator("input[name=at]").fill("2099-12-01T18:30")
    card.locator("button:has-text('Approve for then')").click()
    expect(page.locator(f"#tweet-{draft.pk} .status")).to_have_text(
        "Queued for Tue 1 Dec, 18:30 CET"
    )
    draft.refresh_from_db()
    assert draft.scheduled_for == datetime(2099, 12, 1, 17, 30, tzinfo=UTC)


def test_the_editor_puts_the_cursor_after_the_draft(lamplighter, page, live_server, owner):
    Tweet.objects.create(bot=lamplighter, text="The draft so far")
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/tweets/review/")
    page.wait_for_load_state()
    page.keyboard.press("j")
    page.keyboard.press("e")
    editor = page.locator(".tweet-edit textarea")
    expect(editor).to_be_focused()
    page.keyboard.type(", and more.")
    expect(editor).to_have_value("The draft so far, and more.")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_composer_and_calendar_fit_the_screen(lamplighter, browser, live_server, owner, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, live_server, owner)
    later = timezone.now() + timedelta(hours=3)
    Tweet.objects.create(
        bot=lamplighter,
        text="A queued post with a rather long text to see how a narrow calendar wraps it.",
        state="approved",
        scheduled_for=later,
        next_attempt_at=later,
    )
    pages = {
        "composer": f"/tweets/compose/?bot={lamplighter.pk}",
        "calendar-week": "/tweets/calendar/",
        "calendar-month": "/tweets/calendar/?view=month",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        shoot(page, f"{name}-{width}")
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
    assert re.search(r"Calendar", page.title())
    context.close()
