"""The Bluesky sandbox's pages: a person sees the posts of their own bots' accounts, with
the `bot` label and images' alt text, and never another person's."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from platforms import client_for, post_url
from tests.factories import make_bot, make_user
from xsandbox.bluesky.accounts import ensure_account


@pytest.fixture
def sky(sandbox, transactional_db, credential_keys):
    owner = make_user()
    account, password = ensure_account("pages.bsky.sandbox.test", name="Pages")
    bot = make_bot(
        owners=[owner],
        handle=account.handle,
        platform="bluesky_sandbox",
        x_user_id=account.did,
        credentials={"app_password": password},
    )
    return owner, bot


def test_an_owner_reads_their_bots_posts_and_no_one_else_does(client, sky):
    owner, bot = sky
    sky_client = client_for(bot)
    sky_client.mark_as_bot()
    uri = sky_client.post("A skeet for the timeline page")
    client.force_login(owner)
    timeline = client.get(reverse("xsandbox:bluesky_timeline")).content.decode()
    assert "A skeet for the timeline page" in timeline and "Bot</span>" in timeline
    page = client.get(urlsplit(post_url(bot, uri)).path)
    assert page.status_code == 200 and uri in page.content.decode()

    client.force_login(make_user())
    assert "A skeet" not in client.get(reverse("xsandbox:bluesky_timeline")).content.decode()
    profile = reverse("xsandbox:bluesky_profile", args=[bot.handle])
    assert client.get(profile).status_code == 404
