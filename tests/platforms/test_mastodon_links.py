"""Links to posts on Mastodon, read at the bot's own server through the registry: the
server's @user, @user@remote and /users/…/statuses/ forms, the sandbox's pages, bare ids;
another server's link (whose id the bot's server does not know) and another network's are
refused with what to paste instead."""

import pytest

from bots.models import Bot
from platforms import post_id_from_link, post_link_example
from platforms.post_links import NotAPostLink

ID = "110000000000000001"


@pytest.fixture
def bot(settings):
    settings.MASTODON_WEB_URL = ""
    return Bot(
        name="Toot",
        handle="toot@mastodon.social",
        platform="mastodon",
        server_url="https://mastodon.social",
    )


@pytest.fixture
def sandbox_bot(settings):
    settings.MASTODON_SANDBOX_BASE_URL = "http://127.0.0.1:8000/xsandbox/mastodon"
    settings.MASTODON_SANDBOX_WEB_URL = ""
    return Bot(name="Sandtoot", handle="sandtoot@localhost", platform="mastodon_sandbox")


@pytest.mark.parametrize(
    "link",
    [
        f"https://mastodon.social/@someone/{ID}",
        f"https://mastodon.social/@someone/{ID}/",
        f"https://Mastodon.Social/@someone@fosstodon.org/{ID}",
        f"https://mastodon.social/users/someone/statuses/{ID}",
        f"https://mastodon.social/@someone/{ID}?utm=1#reply",
        f" {ID} ",
    ],
)
def test_the_bots_servers_links_and_bare_ids_give_the_post_id(bot, link):
    assert post_id_from_link(bot, link) == ID


def test_the_sandbox_reads_its_own_status_pages(sandbox_bot):
    link = f"http://127.0.0.1:8000/xsandbox/mastodon/@aurora/{ID}"
    assert post_id_from_link(sandbox_bot, link) == ID


def test_another_servers_post_is_refused_since_its_id_is_that_servers_own(bot):
    with pytest.raises(
        NotAPostLink, match=r"on fosstodon\.org, but the bot is on mastodon\.social"
    ):
        post_id_from_link(bot, f"https://fosstodon.org/@someone/{ID}")


@pytest.mark.parametrize(
    "link",
    [
        "https://x.com/someone/status/1790000000000000001",
        "https://bsky.app/profile/someone.bsky.social/post/3kabcdefghij2",
        "https://mastodon.social/@someone",
        "https://mastodon.social/about",
        "at://did:plc:abc/app.bsky.feed.post/3kabcdefghij2",
    ],
)
def test_another_networks_link_or_no_post_is_refused_with_what_to_paste(bot, link):
    with pytest.raises(NotAPostLink, match=r"post on Mastodon: .*mastodon\.social/@user/123"):
        post_id_from_link(bot, link)


def test_the_example_is_a_link_on_the_bots_own_server(bot, sandbox_bot):
    assert post_link_example(bot) == "https://mastodon.social/@user/123…"
    assert post_link_example(sandbox_bot).startswith("http://127.0.0.1:8000/xsandbox/mastodon/@")
