"""A new operator (not staff) adds a bot as people do: Add bot, Connect with X, approve on the
sandbox's sign-in page, and land on the new bot's page verified with its handle, then give it
a corpus, generate a draft, approve it and watch it posted by the real worker. The same with
the PIN flow, and a reconnect that keeps the bot."""

import re

import pytest
from playwright.sync_api import expect

from bots.models import Bot, XApp
from corpora.services import build_corpus_model
from tests.factories import make_corpus, make_operator
from tests.integration.processes import start_worker
from tests.integration.world import DEMO_TEXT
from tweets.models import Tweet
from xsandbox.accounts import app_credentials, ensure_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings, credential_keys, tmp_path):
    """The sandbox's app kept on the site (as `make run`'s demo does), an operator with a
    corpus of their own, and a worker."""
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    keys = app_credentials(ensure_app("Aviary sandbox app")[0])
    app = XApp(name="Aviary sandbox app", platform="sandbox", is_default=True)
    app.set_consumer_credentials(key=keys["consumer_key"], secret=keys["consumer_secret"])
    app.save()
    operator = make_operator(username="operator")
    corpus = make_corpus(text=DEMO_TEXT.read_text()[:200_000], created_by=operator)
    build_corpus_model(corpus)
    worker = start_worker(tmp_path / "worker.log")
    yield {"operator": operator, "corpus": corpus}
    worker.stop()


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your flock")


def approve_on_the_sandbox(page, handle):
    expect(page.locator("h1")).to_contain_text("Authorize Aviary sandbox app")
    page.fill("input[name=new_handle]", handle)
    page.click("button:has-text('Authorize app')")


def generate_and_post(page, live_server, site, bot):
    page.goto(f"{live_server.url}/corpora/{site['corpus'].pk}/")
    page.select_option("select[name=bot]", value=str(bot.pk))
    page.click("button:has-text('Use for this bot')")
    page.goto(f"{live_server.url}/bots/{bot.pk}/")
    page.fill("input[name=count]", "1")
    page.click("button:has-text('Generate')")
    expect(page.locator(".generation-job .status")).to_contain_text("1 new draft", timeout=30_000)
    page.click("text=Review them")
    page.wait_for_load_state()
    card = page.locator(".queue .tweet-card").first
    card.locator("button:has-text('Approve')").first.click()
    expect(card.locator(".badge")).to_have_text("Posted", timeout=30_000)
    posted = Tweet.objects.get(bot=bot, state="posted")
    assert posted.x_post_id


def test_an_operator_adds_connects_and_posts_from_a_new_bot(site, page, live_server):
    log_in(page, live_server, site["operator"])
    page.click("nav >> text=Add bot")
    # Two clicks: Connect, then Authorize for the new sandbox account the page suggests.
    page.click("button:has-text('Connect with X')")
    expect(page.locator("h1")).to_contain_text("Authorize Aviary sandbox app")
    handle = page.locator("input[name=new_handle]").input_value()
    assert handle.startswith("sandbox_bot_")
    page.click("button:has-text('Authorize app')")

    expect(page.locator("h1")).to_contain_text(handle)
    expect(page.locator(".messages")).to_contain_text(f"Connected @{handle}: verified")
    bot = Bot.objects.get(handle=handle)
    assert bot.verified_at and bot.can_post()
    assert list(bot.owners.all()) == [site["operator"]]
    generate_and_post(page, live_server, site, bot)


def test_an_operator_connects_with_a_pin(site, page, live_server):
    log_in(page, live_server, site["operator"])
    page.goto(f"{live_server.url}/bots/new/")
    page.check("input[name=pin]")
    page.click("button:has-text('Connect with X')")
    expect(page.locator("h1")).to_have_text("Connect with a PIN")

    with page.context.expect_page() as opened:
        page.click("text=Open the sign-in page")
    sandbox = opened.value
    approve_on_the_sandbox(sandbox, "pin_pad_bot")
    pin = sandbox.locator("#pin").inner_text()
    assert re.fullmatch(r"\d{7}", pin)
    sandbox.close()

    page.fill("input[name=pin]", pin)
    page.click("button:has-text('Connect')")
    expect(page.locator("h1")).to_contain_text("pin_pad_bot")
    expect(page.locator(".messages")).to_contain_text("Connected @pin_pad_bot: verified")
    generate_and_post(page, live_server, site, Bot.objects.get(handle="pin_pad_bot"))


def test_reconnect_signs_in_as_the_bot_again_and_clears_its_flag(site, page, live_server):
    log_in(page, live_server, site["operator"])
    page.goto(f"{live_server.url}/bots/new/")
    page.click("button:has-text('Connect with X')")
    approve_on_the_sandbox(page, "weathervane_bot")
    bot = Bot.objects.get(handle="weathervane_bot")
    Bot.objects.filter(pk=bot.pk).update(attention_reason="X refused the credentials (401).")

    page.reload()
    expect(page.locator(".banner.bad")).to_contain_text("Reconnect")
    page.locator(".banner.bad button:has-text('Reconnect')").click()
    # The bot's own account is offered, chosen already: its handle was prefilled.
    expect(page.locator("input[value=weathervane_bot]")).to_be_checked()
    page.click("button:has-text('Authorize app')")
    expect(page.locator(".messages")).to_contain_text("Reconnected @weathervane_bot")
    bot.refresh_from_db()
    assert bot.attention_reason == "" and Bot.objects.count() == 1


@pytest.mark.parametrize("width", [1280, 390])
def test_a_bluesky_bot_reconnects_with_a_new_app_password(
    browser, live_server, settings, credential_keys, width
):
    from bots.bluesky_accounts import connect_bluesky_account
    from xsandbox.bluesky.accounts import ensure_account

    settings.BLUESKY_SANDBOX_BASE_URL = f"{live_server.url}/xsandbox/bluesky"
    operator = make_operator(username="operator")
    account, password = ensure_account("gale.bsky.sandbox.test", name="Gale")
    bot = connect_bluesky_account(
        user=operator, platform="bluesky_sandbox", handle=account.handle, app_password=password
    ).bot
    Bot.objects.filter(pk=bot.pk).update(attention_reason="Bluesky refused the session (401).")
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    log_in(page, live_server, operator)
    page.goto(f"{live_server.url}/bots/{bot.pk}/")

    expect(page.locator(".banner.bad")).to_contain_text("new app password")
    page.locator(".banner.bad button:has-text('Reconnect')").click()
    expect(page.locator("#reconnect")).to_contain_text("Never enter the account's main password")
    expect(page.locator("input[readonly]")).to_have_value(account.handle)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.fill("input[name=app_password]", "abcd-efgh-ijkl-mnop")
    page.click("button:has-text('Sign in and reconnect')")
    # Back as a GET with the site's banner for a failed form in the first screen, and the
    # reason in the form it names.
    expect(page.locator("#form-banner")).to_be_in_viewport()
    expect(page.locator("#reconnect .banner.bad")).to_contain_text(
        "did not accept these credentials"
    )

    _account, new_password = ensure_account(account.handle)
    page.fill("input[name=app_password]", new_password)
    page.click("button:has-text('Sign in and reconnect')")
    expect(page.locator(".messages")).to_contain_text(f"Reconnected @{account.handle}")
    bot.refresh_from_db()
    assert bot.attention_reason == "" and bot.credentials().app_password == new_password
