"""Links to posts on Bluesky, read through the registry: the app's page (bsky.app, or the
sandbox's) and AT URIs, a handle resolved to its DID by resolveHandle at the sandbox PDS over
HTTP; a handle no one has, another network's link and an unreachable PDS each say so."""

import pytest

from bots.models import Bot
from platforms import post_id_from_link, post_link_example
from platforms.base import PlatformError
from platforms.post_links import NotAPostLink
from xsandbox.bluesky.accounts import ensure_account

RKEY = "3kabcdefghij2"


@pytest.fixture
def erin(sandbox, transactional_db, credential_keys):
    return ensure_account("erin.bsky.sandbox.test", name="Erin")[0]


@pytest.fixture
def bot(sandbox, settings):
    settings.BLUESKY_SANDBOX_WEB_URL = ""
    return Bot(name="Sky", handle="sky.bsky.sandbox.test", platform="bluesky_sandbox")


def test_a_page_link_with_a_handle_is_read_at_the_authors_did(bot, erin, sandbox):
    link = f"{sandbox.url}/xsandbox/bluesky/profile/{erin.handle}/post/{RKEY}/"
    assert post_id_from_link(bot, link) == f"at://{erin.did}/app.bsky.feed.post/{RKEY}"


def test_an_at_uri_is_the_posts_id_its_handle_resolved(bot, erin):
    by_did = f"at://{erin.did}/app.bsky.feed.post/{RKEY}"
    assert post_id_from_link(bot, by_did) == by_did
    by_handle = f"at://{erin.handle.upper()}/app.bsky.feed.post/{RKEY}"
    assert post_id_from_link(bot, by_handle) == by_did


def test_bsky_app_links_are_read_for_a_bot_on_bluesky(settings, erin):
    settings.BLUESKY_WEB_URL = "https://bsky.app"
    on_bluesky = Bot(name="Real", handle="real.bsky.social", platform="bluesky")
    link = f"https://bsky.app/profile/{erin.did}/post/{RKEY}"
    assert post_id_from_link(on_bluesky, link) == f"at://{erin.did}/app.bsky.feed.post/{RKEY}"
    assert post_link_example(on_bluesky) == "https://bsky.app/profile/handle.bsky.social/post/3k…"


def test_a_handle_no_account_has_is_refused(bot, erin, sandbox):
    link = f"{sandbox.url}/xsandbox/bluesky/profile/nobody.bsky.sandbox.test/post/{RKEY}"
    with pytest.raises(NotAPostLink, match="No Bluesky account has the handle @nobody"):
        post_id_from_link(bot, link)


@pytest.mark.parametrize(
    "link",
    [
        "https://x.com/someone/status/1790000000000000001",
        "https://mastodon.social/@someone/110000000000000001",
        f"at://did:plc:abc/app.bsky.feed.like/{RKEY}",
        "1790000000000000001",
    ],
)
def test_another_networks_link_is_refused_with_what_to_paste(bot, link):
    with pytest.raises(NotAPostLink, match="not a link to a post on the Bluesky sandbox"):
        post_id_from_link(bot, link)


def test_an_unreachable_pds_is_a_platform_error_not_a_refusal(settings, transactional_db):
    settings.BLUESKY_SANDBOX_BASE_URL = "http://127.0.0.1:9/xsandbox/bluesky"
    settings.BLUESKY_SANDBOX_WEB_URL = ""
    bot = Bot(name="Far", handle="far.bsky.sandbox.test", platform="bluesky_sandbox")
    with pytest.raises(PlatformError):
        post_id_from_link(bot, f"at://someone.bsky.sandbox.test/app.bsky.feed.post/{RKEY}")
