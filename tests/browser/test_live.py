"""Live pages: the dashboard and the bot page follow a post as the real worker sends it to
the sandbox, without a reload, and a hidden tab asks the site nothing until it is seen."""

import pytest
from playwright.sync_api import expect

from tests.integration.processes import start_worker
from tests.integration.world import approve_many, sandbox_bot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_flock(live_server, settings, credential_keys, tmp_path, owner):
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    settings.LIVE_REFRESH_SECONDS = 1
    bot = sandbox_bot(name="Lighthouse", handle="lighthouse", owners=[owner])
    worker = start_worker(tmp_path / "worker.log")
    yield bot
    worker.stop()


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your flock")


def test_the_dashboard_shows_a_post_go_out_without_a_reload(live_flock, page, live_server, owner):
    log_in(page, live_server, owner)
    row = page.locator("#flock-table tr", has_text="Lighthouse")
    expect(row).to_contain_text("never")
    page.evaluate("window.notReloaded = true")

    approve_many(live_flock, ["The lamp is lit tonight over the harbour."])

    expect(row).not_to_contain_text("never", timeout=20_000)
    assert page.evaluate("window.notReloaded") is True


def test_the_bot_page_shows_the_post_in_its_recent_tweets(live_flock, page, live_server, owner):
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/bots/{live_flock.pk}/")
    expect(page.locator("#recent-tweets")).to_contain_text("Nothing yet.")

    approve_many(live_flock, ["Fog rolls in from the sea at dusk."])

    recent = page.locator("#recent-tweets")
    expect(recent).to_contain_text("Fog rolls in from the sea at dusk.", timeout=20_000)
    expect(recent.locator(".badge")).to_have_text("Posted", timeout=20_000)


def settle(page, *, seconds=15):
    """Until the page's requests are answered and swapped in: htmx opens no request for an
    element while one is in flight, and swaps an answer on a timer of the page's clock."""
    for _ in range(seconds * 20):
        page.clock.run_for(50)
        if page.locator(".htmx-request").count() == 0:
            return
        page.wait_for_timeout(50)  # a poll's step, for the answers to arrive
    raise AssertionError("the page's requests were not answered")


def test_a_hidden_tab_asks_nothing_and_refreshes_when_seen(live_flock, page, live_server, owner):
    page.clock.install()  # the page's timers run when the test says, not by the wall clock
    log_in(page, live_server, owner)
    # Every request the page opens, counted as it is opened (htmx opens them synchronously).
    page.evaluate(
        """() => {
          window.opened = [];
          const open = XMLHttpRequest.prototype.open;
          XMLHttpRequest.prototype.open = function (method, url, ...rest) {
            window.opened.push(url);
            return open.call(this, method, url, ...rest);
          };
        }"""
    )
    page.clock.run_for(3_000)
    assert page.evaluate("window.opened.length") >= 2  # a visible tab refreshes each second
    settle(page)

    page.evaluate(
        """() => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
          document.dispatchEvent(new Event("visibilitychange"));
          window.opened = [];
        }"""
    )
    for _ in range(5):  # five refresh periods, each answered before the next
        page.clock.run_for(1_000)
        settle(page)
    assert page.evaluate("window.opened") == []

    page.evaluate(
        """() => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    assert page.evaluate("window.opened.length") >= 1  # seen again: refreshed at once
