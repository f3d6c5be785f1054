"""Every page of the site, with the demo flock, at 1280 and 390 px wide: no horizontal
scroll, no serious or critical axe-core violation, no console error and no refusal by the
Content-Security-Policy; a screenshot of each, at both widths, under var/test-artifacts/."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from bots.models import Bot, BotGroup
from corpora.models import Corpus
from tests.factories import make_sandbox_post, make_tweet, make_user
from tweets.models import Tweet
from xsandbox.models import Account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)

# One line a page: its name (the screenshots' file name), its path in the demo `world`, and
# the status it answers with. Add a page here and every check below covers it.
PAGES = [
    ("dashboard", lambda w: "/", 200),
    ("review", lambda w: "/tweets/review/", 200),
    ("bot", lambda w: f"/bots/{w['bot'].pk}/", 200),
    ("gallery", lambda w: f"/bots/{w['bot'].pk}/gallery/", 200),
    ("history", lambda w: f"/tweets/bots/{w['bot'].pk}/history/", 200),
    ("activity", lambda w: "/bots/activity/", 200),
    ("groups", lambda w: "/bots/groups/", 200),
    ("group", lambda w: f"/bots/groups/{w['group'].pk}/", 200),
    ("corpora", lambda w: "/corpora/", 200),
    ("corpus", lambda w: f"/corpora/{w['corpus'].pk}/", 200),
    ("bots-new", lambda w: "/bots/new/", 200),
    ("apps", lambda w: "/bots/apps/", 200),
    ("xsandbox-timeline", lambda w: "/xsandbox/", 200),
    ("xsandbox-account", lambda w: f"/xsandbox/{w['account'].handle}/", 200),
    ("xsandbox-post", lambda w: f"/xsandbox/status/{w['post'].post_id}/", 200),
    ("compose", lambda w: f"/tweets/compose/?bot={w['bot'].pk}", 200),
    ("calendar-week", lambda w: "/tweets/calendar/", 200),
    ("calendar-month", lambda w: "/tweets/calendar/?view=month", 200),
    ("not-found", lambda w: "/no-such-page/", 404),
]
SIGNED_OUT_PAGES = [("login", lambda w: "/accounts/login/", 200)]

AXE_SERIOUS = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
      return `${v.id} (${v.impact}): ${v.help} at ${where}`;
    });
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The elements reaching past the right edge, to say what widens the page.
WIDEST = """() => {
  const edge = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > edge + 1)
    .slice(-3)
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className}`);
}"""


@pytest.fixture
def world(credential_keys, settings, live_server):
    """The demo flock (`load_demo`, as `make run` shows it) with drafts to review, posts in
    its history, a group and a sandbox post with an image."""
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    admin = make_user(superuser=True, username="admin")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    bot = Bot.objects.get(name="Lighthouse")
    for n in range(3):
        make_tweet(bot=bot, text=f"The lamp turns, night number {n}.")
    make_tweet(bot=bot, text="Posted earlier.", state=Tweet.State.POSTED, x_post_id="77")
    group = BotGroup.objects.create(name="Night shift", created_by=admin)
    group.bots.set(Bot.objects.all())
    account = Account.objects.get(handle=bot.handle)
    post = make_sandbox_post(account=account, text="A beam over the sea.", image_alt_text="Sea")
    corpus = Corpus.objects.order_by("pk").first()
    return {
        "admin": admin,
        "bot": bot,
        "group": group,
        "account": account,
        "post": post,
        "corpus": corpus,
    }


def sign_in(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def problems_of(page, url, status, name, width) -> list[str]:
    """Everything wrong with the page at `url`, as sentences; [] when it is fine."""
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    found = []
    if response.status != status:
        found.append(f"answered {response.status}, not {status}")
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        widest = ", ".join(page.evaluate(WIDEST))
        found.append(f"scrolls sideways by {overflow} px ({widest})")
    page.evaluate(AXE.read_text())
    found += [f"axe: {violation}" for violation in page.evaluate(AXE_SERIOUS)]
    # The 404 page's own status shows in the console as a failed load: that one is the point.
    expected = f"the server responded with a status of {status}" if status >= 400 else None
    found += [f"console: {text}" for text in console if not (expected and expected in text)]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    return found


def test_every_page_is_usable_at_desktop_and_phone_widths(browser, live_server, world):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = []
    for width in WIDTHS:
        for signed_in, pages in ((True, PAGES), (False, SIGNED_OUT_PAGES)):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20_000)
            if signed_in:
                sign_in(page, live_server.url, world["admin"])
            for name, path, status in pages:
                url = f"{live_server.url}{path(world)}"
                report += [
                    f"{name} at {width} px: {problem}"
                    for problem in problems_of(page, url, status, name, width)
                ]
            context.close()
    assert report == [], "\n".join(report)


def test_on_a_phone_the_menu_folds_behind_a_button_and_without_javascript_stays_open(
    browser, live_server, owner
):
    phone = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    sign_in(phone, live_server.url, owner)
    menu = phone.get_by_role("navigation", name="Site")
    expect(menu).to_be_hidden()
    phone.click("#nav-toggle")
    expect(menu.get_by_role("link", name="Review queue")).to_be_visible()
    expect(phone.locator("#nav-toggle")).to_have_attribute("aria-expanded", "true")

    plain = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = plain.new_page()
    sign_in(page, live_server.url, owner)
    expect(page.get_by_role("link", name="Review queue")).to_be_visible()

    wide = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(wide, live_server.url, owner)
    expect(wide.locator("#nav-toggle")).to_be_hidden()
    expect(wide.get_by_role("link", name="Review queue")).to_be_visible()
