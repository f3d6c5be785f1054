"""The composer's reply-to field for each network (tweets.forms.ComposeForm): the bot's own
network's links and ids are read to the id it answers by, a handle resolved at the Bluesky
sandbox over HTTP; another network's link, another server's and a handle no one has are each
a clear error; the help text and placeholder show the bot's network's link."""

import pytest

from tests.conftest import make_mastodon_bot
from tests.factories import make_bot
from tweets.forms import ComposeForm, PostLinkForm
from xsandbox.bluesky.accounts import ensure_account

X_LINK = "https://x.com/someone/status/1790000000000000001"
MASTODON_ID = "110000000000000001"
RKEY = "3kabcdefghij2"


def compose(bot, reply_to):
    return ComposeForm({"text": "A reply.", "action": "queue", "reply_to": reply_to}, bot=bot)


@pytest.fixture
def x_bot(db, credential_keys):
    return make_bot(platform="x")


@pytest.fixture
def mastodon_bot(mastodon_account):
    return make_mastodon_bot(mastodon_account)


@pytest.fixture
def fern(sandbox, transactional_db, credential_keys):
    return ensure_account("fern.bsky.sandbox.test", name="Fern")[0]


@pytest.fixture
def bluesky_bot(fern):
    return make_bot(handle="sky.bsky.sandbox.test", platform="bluesky_sandbox")


def test_an_x_bot_answers_an_x_link_and_refuses_a_mastodon_one(x_bot):
    form = compose(x_bot, X_LINK + "?s=20")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reply_to"] == "1790000000000000001"
    refused = compose(x_bot, f"https://mastodon.social/@someone/{MASTODON_ID}")
    assert not refused.is_valid()
    assert "not a link to a post on X" in refused.errors["reply_to"][0]


def test_a_mastodon_bot_answers_its_servers_links_and_ids(mastodon_bot, mastodon_sandbox):
    server = f"{mastodon_sandbox.url}/xsandbox/mastodon"
    for link in (
        f"{server}/@someone/{MASTODON_ID}",
        f"{server}/@someone@elsewhere.social/{MASTODON_ID}",
        f"{server}/users/someone/statuses/{MASTODON_ID}",
        MASTODON_ID,
    ):
        form = compose(mastodon_bot, link)
        assert form.is_valid(), (link, form.errors)
        assert form.cleaned_data["reply_to"] == MASTODON_ID


def test_a_mastodon_bot_refuses_x_links_and_another_servers(mastodon_bot):
    refused = compose(mastodon_bot, X_LINK)
    assert not refused.is_valid()
    assert "not a link to a post on the Mastodon sandbox" in refused.errors["reply_to"][0]
    elsewhere = compose(mastodon_bot, f"https://fosstodon.org/@someone/{MASTODON_ID}")
    assert not elsewhere.is_valid()
    assert "That post is on fosstodon.org" in elsewhere.errors["reply_to"][0]


def test_a_bluesky_bot_answers_a_page_link_by_the_authors_did(bluesky_bot, fern, sandbox):
    link = f"{sandbox.url}/xsandbox/bluesky/profile/{fern.handle}/post/{RKEY}"
    form = compose(bluesky_bot, link)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reply_to"] == f"at://{fern.did}/app.bsky.feed.post/{RKEY}"


def test_a_bluesky_bot_refuses_a_handle_no_one_has_and_x_links(bluesky_bot, sandbox):
    link = f"{sandbox.url}/xsandbox/bluesky/profile/nobody.bsky.sandbox.test/post/{RKEY}"
    unknown = compose(bluesky_bot, link)
    assert not unknown.is_valid()
    assert "No Bluesky account has the handle @nobody" in unknown.errors["reply_to"][0]
    x_link = compose(bluesky_bot, X_LINK)
    assert not x_link.is_valid()
    assert "not a link to a post on the Bluesky sandbox" in x_link.errors["reply_to"][0]


def test_an_unreachable_pds_is_a_message_to_try_again(bluesky_bot, settings):
    settings.BLUESKY_SANDBOX_BASE_URL = "http://127.0.0.1:9/xsandbox/bluesky"
    form = compose(bluesky_bot, f"at://fern.bsky.sandbox.test/app.bsky.feed.post/{RKEY}")
    assert not form.is_valid()
    assert (
        "The Bluesky sandbox could not be asked about that link just now"
        in form.errors["reply_to"][0]
    )
    assert "Try again soon" in form.errors["reply_to"][0]


def test_the_help_text_and_placeholder_show_the_bots_networks_link(x_bot, mastodon_bot):
    on_x = ComposeForm(bot=x_bot)
    assert "https://x.com/handle/status/123…" in on_x.fields["reply_to"].help_text
    on_mastodon = ComposeForm(bot=mastodon_bot)
    placeholder = on_mastodon.fields["reply_to"].widget.attrs["placeholder"]
    assert placeholder.endswith("/xsandbox/mastodon/@user/123…")
    assert "the Mastodon sandbox" in on_mastodon.fields["reply_to"].help_text
    assert "x.com" not in on_mastodon.fields["reply_to"].help_text


def test_marking_a_post_settled_reads_the_bots_own_networks_link(mastodon_bot, mastodon_sandbox):
    server = f"{mastodon_sandbox.url}/xsandbox/mastodon"
    form = PostLinkForm({"link": f"{server}/@aurora/{MASTODON_ID}"}, bot=mastodon_bot)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["link"] == MASTODON_ID
    assert not PostLinkForm({"link": X_LINK}, bot=mastodon_bot).is_valid()
