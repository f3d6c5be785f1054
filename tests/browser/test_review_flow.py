"""A person's day in the browser: log in, generate drafts on a bot's page, edit one, approve
it and watch it become posted through the real worker and the sandbox, reject another, all
from the keyboard in the review queue."""

import re

import pytest
from playwright.sync_api import expect

from tests.integration.processes import start_worker
from tests.integration.world import ready_corpus_for, sandbox_bot
from tweets.models import Tweet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def flock(live_server, settings, credential_keys, tmp_path, owner):
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    bot = sandbox_bot(name="Baker Street", handle="baker_street", owners=[owner])
    ready_corpus_for(bot)
    worker = start_worker(tmp_path / "worker.log")
    yield bot
    worker.stop()


def log_in(page, live_server, owner):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your flock")


def test_it_generates_edits_approves_posts_and_rejects(flock, page, live_server, owner):
    log_in(page, live_server, owner)
    page.click(f"text={flock.name}")
    page.fill("input[name=count]", "3")
    page.click("button:has-text('Generate')")
    expect(page.locator(".generation-job .status")).to_contain_text("3 new drafts", timeout=30_000)

    page.click("text=Review them")
    page.wait_for_load_state()  # the keyboard shortcuts are ready once the page has loaded
    cards = page.locator(".queue .tweet-card")
    expect(cards).to_have_count(3)

    page.keyboard.press("j")
    first = cards.nth(0)
    expect(first).to_have_class(re.compile("current"))
    page.keyboard.press("e")
    editor = first.locator("textarea")
    expect(editor).to_be_focused()  # the editor is wired up and takes the typing
    editor.fill("Edited in the browser: the game is afoot.")
    expect(first.locator(".count")).to_have_text("41 / 280")
    first.locator("button:has-text('Save')").click()
    expect(first.locator(".tweet-text")).to_have_text("Edited in the browser: the game is afoot.")

    page.keyboard.press("a")
    expect(first.locator(".badge")).to_have_text("Posted", timeout=30_000)
    post_link = first.locator("a:has-text('see the post')")
    expect(post_link).to_be_visible()

    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(cards.nth(1).locator(".badge")).to_have_text("Rejected")

    states = sorted(Tweet.objects.filter(bot=flock).values_list("state", flat=True))
    assert states == ["draft", "posted", "rejected"]
    posted = Tweet.objects.get(bot=flock, state="posted")
    assert posted.text == "Edited in the browser: the game is afoot."
    page.goto(posted.x_post_url)
    expect(page.locator("body")).to_contain_text("Edited in the browser: the game is afoot.")


def test_an_over_long_edit_is_counted_live_and_refused(flock, page, live_server, owner):
    Tweet.objects.create(bot=flock, text="Short draft.")
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/tweets/review/")
    page.wait_for_load_state()
    page.keyboard.press("j")
    page.keyboard.press("e")
    editor = page.locator(".tweet-edit textarea")
    expect(editor).to_be_focused()
    editor.fill("字" * 141)
    expect(page.locator(".count")).to_have_text("282 / 280")
    page.locator("button:has-text('Save')").click()
    expect(page.locator(".tweet-card .error")).to_contain_text("282 characters as X counts them")
    assert Tweet.objects.get(bot=flock).text == "Short draft."
