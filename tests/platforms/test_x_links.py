"""Links to posts on X as people paste them, read through the registry
(platforms.post_id_from_link): X's hosts, the sandbox's post page, bare numbers; another
network's link is refused with what to paste instead."""

import pytest

from bots.models import Bot
from platforms import post_id_from_link, post_link_example
from platforms.post_links import NotAPostLink


@pytest.fixture
def x_bot(settings):
    settings.X_WEB_URL = "https://x.com"
    return Bot(name="On X", handle="on_x", platform="x")


@pytest.fixture
def sandbox_bot(settings):
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:8000/xsandbox"
    settings.SANDBOX_WEB_URL = ""
    return Bot(name="In the sandbox", handle="sandboxed", platform="sandbox")


@pytest.mark.parametrize(
    "link",
    [
        "https://x.com/someone/status/1790000000000000001",
        "https://x.com/someone/status/1790000000000000001?s=20",
        "https://twitter.com/someone/status/1790000000000000001/",
        "http://mobile.x.com/someone/status/1790000000000000001",
        "https://x.com/i/web/status/1790000000000000001",
        "https://x.com/someone/status/1790000000000000001/photo/1",
        " 1790000000000000001 ",
    ],
)
def test_x_posts_are_read_from_their_links_or_numbers(x_bot, link):
    assert post_id_from_link(x_bot, link) == "1790000000000000001"


def test_the_sandbox_reads_its_own_post_pages(sandbox_bot):
    link = "http://127.0.0.1:8000/xsandbox/status/1790000000000000042/"
    assert post_id_from_link(sandbox_bot, link) == "1790000000000000042"


@pytest.mark.parametrize(
    "link",
    [
        "https://mastodon.social/@someone/110000000000000001",
        "https://mastodon.social/users/someone/statuses/110000000000000001",
        "https://bsky.app/profile/someone.bsky.social/post/3kabcdefghij2",
        "https://x.com/someone",
        "https://x.com/someone/status/",
        "9" * 40,
        "not a link",
    ],
)
def test_another_networks_link_or_no_link_is_refused_with_what_to_paste(x_bot, link):
    with pytest.raises(NotAPostLink, match=r"not a link to a post on X: .*x\.com/handle/status"):
        post_id_from_link(x_bot, link)


def test_the_example_names_the_networks_link_form(x_bot, sandbox_bot):
    assert post_link_example(x_bot) == "https://x.com/handle/status/123…"
    assert post_link_example(sandbox_bot).startswith("http://127.0.0.1:8000/xsandbox/")
