"""The sandbox's Bridgy Fed: opted-in accounts appear on the other network, and posts,
mentions and replies cross both ways with their threads, over HTTP through the clients
Aviary speaks to the real networks with."""

import pytest
import requests
from django.urls import reverse

from platforms import client_for
from platforms.bluesky import text as bluesky_text
from tests.conftest import make_mastodon_bot
from tests.factories import make_bot, make_user
from xsandbox.bluesky import accounts as bluesky_accounts
from xsandbox.bridge.accounts import set_bluesky_bridged, set_mastodon_bridged
from xsandbox.mastodon import accounts as mastodon_accounts
from xsandbox.models import BlueskyAccount, BlueskyRecord, BridgedPost, MastodonAccount

SKY = "sky.bsky.sandbox.test"
SKY_IN_THE_FEDIVERSE = f"{SKY}@bsky.brid.gy"
TIDE_ON_BLUESKY = "tide.localhost.ap.brid.gy"


@pytest.fixture
def tide(mastodon_sandbox, transactional_db, credential_keys):
    """A bot on the Mastodon sandbox (at localhost, the live server's host)."""
    return make_mastodon_bot(mastodon_accounts.ensure_account("tide")[0])


@pytest.fixture
def sky(mastodon_sandbox, transactional_db, credential_keys):
    """A bot on the Bluesky sandbox."""
    account, password = bluesky_accounts.ensure_account(SKY)
    return make_bot(
        name="Sky",
        handle=SKY,
        platform="bluesky_sandbox",
        x_user_id=account.did,
        credentials={"app_password": password},
    )


def _bridge(*, mastodon=True, bluesky=True):
    if mastodon:
        set_mastodon_bridged(MastodonAccount.objects.get(username="tide"), True, host="localhost")
    if bluesky:
        set_bluesky_bridged(BlueskyAccount.objects.get(handle=SKY), True)


def test_it_gives_each_opted_in_account_an_account_on_the_other_network(
    tide, sky, mastodon_sandbox
):
    _bridge()

    mirror = BlueskyAccount.objects.get(handle=TIDE_ON_BLUESKY)
    resolved = requests.get(
        f"{mastodon_sandbox.url}/xsandbox/bluesky/xrpc/com.atproto.identity.resolveHandle",
        params={"handle": TIDE_ON_BLUESKY},
        timeout=5,
    ).json()
    assert resolved["did"] == mirror.did and mirror.did.startswith("did:plc:")
    assert mirror.did != BlueskyAccount.objects.get(handle=SKY).did
    fediverse = MastodonAccount.objects.get(bridge_of__handle=SKY)
    assert fediverse.acct == SKY_IN_THE_FEDIVERSE and not fediverse.is_local

    set_mastodon_bridged(MastodonAccount.objects.get(username="tide"), False, host="localhost")
    set_bluesky_bridged(BlueskyAccount.objects.get(handle=SKY), False)
    assert not BlueskyAccount.objects.filter(handle=TIDE_ON_BLUESKY).exists()
    assert not MastodonAccount.objects.filter(domain="bsky.brid.gy").exists()


def test_a_mastodon_mention_of_a_bridged_bluesky_account_notifies_it_on_bluesky(tide, sky):
    _bridge()
    status_id = client_for(tide).post(
        f"@{SKY_IN_THE_FEDIVERSE} what of the tide? https://example.com/tides"
    )

    (mention,) = client_for(sky).mentions()
    assert mention.author_username == TIDE_ON_BLUESKY
    assert mention.text == f"@{SKY} what of the tide? https://example.com/tides"
    record = BlueskyRecord.objects.get(bridged__status__pk=int(status_id) - 113_000_000_000_000_000)
    assert record.uri == mention.id
    kinds = {
        feature["$type"]: feature
        for facet in record.value["facets"]
        for feature in facet["features"]
    }
    assert kinds[bluesky_text.MENTION]["did"] == sky.x_user_id
    assert kinds[bluesky_text.LINK]["uri"] == "https://example.com/tides"
    assert record.value["bridgyOriginalUrl"].endswith(f"/@tide/{status_id}")


def test_replies_cross_back_and_forth_in_one_thread_on_each_side(tide, sky):
    _bridge()
    opener = client_for(tide).post(f"@{SKY_IN_THE_FEDIVERSE} what of the tide?")
    (heard,) = client_for(sky).mentions()

    answer = client_for(sky).post("The tide turns at noon.", reply_to=heard.id)
    (back,) = client_for(tide).mentions()
    assert back.author_username == SKY_IN_THE_FEDIVERSE
    assert back.text == "The tide turns at noon."
    assert back.conversation_id == opener, "in reply to the opener on Mastodon"

    client_for(tide).post("Noon, then.", reply_to=back.id)
    answers = [post for post in client_for(sky).mentions() if post.id != heard.id]
    (again,) = answers
    assert again.text == f"@{SKY} Noon, then."
    assert again.conversation_id == heard.id, "the thread's root on Bluesky"
    parent = BlueskyRecord.objects.get(bridged__status__pk=int(back.id) - 113_000_000_000_000_000)
    assert parent.uri == answer
    reply = BlueskyRecord.objects.get(account__handle=TIDE_ON_BLUESKY, value__text=again.text)
    assert reply.value["reply"]["parent"] == {"uri": answer, "cid": parent.cid}
    # Nothing crossed back to where it came from: one copy of each of the three posts.
    assert BridgedPost.objects.count() == 3


def test_a_bluesky_mention_of_a_bridged_mastodon_account_notifies_it_on_mastodon(tide, sky):
    _bridge()
    client_for(sky).post(f"@{TIDE_ON_BLUESKY} is the tide in?")

    (mention,) = client_for(tide).mentions()
    assert mention.author_username == SKY_IN_THE_FEDIVERSE
    assert mention.text == "@tide is the tide in?"


def test_nothing_crosses_for_an_account_that_has_not_opted_in(tide, sky):
    _bridge(bluesky=False)
    client_for(tide).post(f"@{SKY_IN_THE_FEDIVERSE} anyone there?")
    assert client_for(sky).mentions() == []

    set_mastodon_bridged(MastodonAccount.objects.get(username="tide"), False, host="localhost")
    _bridge(mastodon=False)
    client_for(tide).post(f"@{SKY_IN_THE_FEDIVERSE} and now?")
    client_for(sky).post(f"@{TIDE_ON_BLUESKY} hello?")
    assert client_for(sky).mentions() == []
    # Sky's post crosses (Sky is on the bridge), but names nobody the instance knows.
    assert client_for(tide).mentions() == []
    assert list(BridgedPost.objects.values_list("origin", flat=True)) == ["bluesky"]


def test_a_status_longer_than_a_bluesky_post_is_cut_with_a_link_to_the_original(tide, sky):
    _bridge()
    words = " ".join(f"wave{n}" for n in range(60))
    status_id = client_for(tide).post(f"@{SKY_IN_THE_FEDIVERSE} {words}")

    (mention,) = client_for(sky).mentions()
    record = BlueskyRecord.objects.get(account__handle=TIDE_ON_BLUESKY)
    text = record.value["text"]
    url = record.value["bridgyOriginalUrl"]
    assert bluesky_text.grapheme_length(text) <= bluesky_text.MAX_GRAPHEMES
    assert text.startswith(f"@{SKY} wave0 wave1") and text.endswith(f"… {url}")
    assert url.endswith(f"/@tide/{status_id}") and mention.text == text
    links = [
        feature["uri"]
        for facet in record.value["facets"]
        for feature in facet["features"]
        if feature["$type"] == bluesky_text.LINK
    ]
    assert links == [url]


def test_the_pages_show_the_bridge_and_let_an_owner_opt_in(client, tide, sky):
    owner = make_user()
    tide.owners.add(owner)
    sky.owners.add(owner)
    client.force_login(owner)
    page = reverse("xsandbox:mastodon:account", args=["tide"])
    assert "Not bridged" in client.get(page).content.decode()

    client.post(reverse("xsandbox:mastodon:bridge", args=["tide"]), {"bridged": "on"})
    client.post(reverse("xsandbox:bluesky_bridge", args=[SKY]), {"bridged": "on"})
    client_for(tide).post(f"@{SKY_IN_THE_FEDIVERSE} seen from both sides")
    (mention,) = client_for(sky).mentions()
    client_for(sky).post("Seen.", reply_to=mention.id)

    html = client.get(page).content.decode()
    # Named for the host the page was asked at (the test client's).
    on_bluesky = BlueskyAccount.objects.get(bridge_of__username="tide").handle
    assert on_bluesky == "tide.testserver.ap.brid.gy"
    assert f"@{on_bluesky}" in html and "Bridge this account" not in html
    timeline = client.get(reverse("xsandbox:mastodon:timeline")).content.decode()
    assert "via Bridgy Fed" in timeline and "Seen." in timeline
    feed = client.get(reverse("xsandbox:bluesky_timeline")).content.decode()
    assert "via Bridgy Fed" in feed and "seen from both sides" in feed
    profile = client.get(reverse("xsandbox:bluesky_profile", args=[SKY])).content.decode()
    assert f"@{SKY_IN_THE_FEDIVERSE}" in profile


def test_a_stranger_cannot_put_someone_elses_account_on_the_bridge(client, tide):
    client.force_login(make_user())
    answer = client.post(reverse("xsandbox:mastodon:bridge", args=["tide"]), {"bridged": "on"})
    assert answer.status_code == 404
    assert not MastodonAccount.objects.get(username="tide").bridged
