"""BlueskyClient against the Bluesky sandbox over real HTTP: posts with facets, images,
threads, mentions and the bot's feed; one session reused and refreshed, never a sign-in per
post; and every way the PDS refuses becomes the platforms.base error that says what to do."""

import json
import os
import socket
import threading

import pytest
from django.db import connection
from PIL import Image

from platforms import base, client_for, post_url
from platforms.bluesky import client as bluesky_client
from tests.factories import make_bot
from xsandbox.bluesky import tokens
from xsandbox.bluesky.accounts import ensure_account
from xsandbox.models import BlueskyAccount, BlueskyRecord, BlueskySession

POST = "app.bsky.feed.post"


def _bot(account, password, **fields):
    return make_bot(
        name=fields.pop("name", account.handle),
        handle=account.handle,
        platform="bluesky_sandbox",
        credentials={"app_password": password},
        **fields,
    )


@pytest.fixture
def alice(sandbox, transactional_db, credential_keys):
    return ensure_account("alice.bsky.sandbox.test", name="Alice")


@pytest.fixture
def bob(sandbox, transactional_db, credential_keys):
    return ensure_account("bob.bsky.sandbox.test", name="Bob")


@pytest.fixture
def alice_bot(alice):
    return _bot(*alice)


@pytest.fixture
def bob_bot(bob):
    return _bot(*bob)


def _record(uri: str) -> BlueskyRecord:
    return BlueskyRecord.objects.get(rkey=uri.rsplit("/", 1)[1])


def test_it_posts_and_reads_the_post_back_in_the_feed(alice_bot, alice):
    client = client_for(alice_bot)
    uri = client.post("Hello from the sandbox", key="aviary-7-1764626400000000")
    assert uri.startswith(f"at://{alice[0].did}/{POST}/")
    assert [(post.id, post.text) for post in client.recent_posts()] == [
        (uri, "Hello from the sandbox")
    ]
    assert client.recent_posts()[0].created_at.tzinfo is not None
    assert client.last_limits.limit == 3000 and client.last_limits.remaining is not None
    assert post_url(alice_bot, uri).endswith(f"/profile/{alice_bot.handle}/post/{uri[-13:]}/")
    me = client.me()
    assert (me.id, me.username, me.name) == (alice[0].did, alice_bot.handle, "Alice")


def test_links_and_mentions_are_facets_at_utf8_byte_offsets(alice_bot, bob):
    text = f"Grüße 👋🏽 @{bob[0].handle} and @nobody.bsky.sandbox.test: see https://example.org/ü"
    uri = client_for(alice_bot).post(text)
    facets = _record(uri).value["facets"]
    encoded = text.encode("utf-8")
    spans = {
        facet["features"][0]["$type"].rsplit("#", 1)[1]: encoded[
            facet["index"]["byteStart"] : facet["index"]["byteEnd"]
        ].decode()
        for facet in facets
    }
    # The unresolvable handle stays plain text: one mention, the one that resolved.
    assert spans == {"mention": f"@{bob[0].handle}", "link": "https://example.org/ü"}
    mention = next(f for f in facets if f["features"][0]["$type"].endswith("#mention"))
    assert mention["features"][0]["did"] == bob[0].did


def test_it_counts_graphemes_not_code_points(alice_bot):
    flag = "🇫🇷"  # two code points, one grapheme
    client = client_for(alice_bot)
    assert client.post(flag * 300)
    with pytest.raises(base.BadRequest, match="300 graphemes"):
        client.post("a" * 301)


def test_a_post_carries_images_with_alt_text_and_aspect_ratio(alice_bot, tmp_path):
    path = tmp_path / "wide.png"
    Image.new("RGB", (400, 200), "teal").save(path)
    client = client_for(alice_bot)
    media = [client.upload_image(path, f"Teal field {n}") for n in range(2)]
    uri = client.post("Two pictures", media_ids=media)
    images = _record(uri).value["embed"]["images"]
    assert [image["alt"] for image in images] == ["Teal field 0", "Teal field 1"]
    ratio = images[0]["aspectRatio"]
    assert (ratio["width"], ratio["height"]) == (400, 200)
    assert images[0]["image"]["mimeType"] == "image/jpeg"


def test_a_large_image_is_re_encoded_under_the_blob_limit(alice_bot, tmp_path):
    path = tmp_path / "noise.png"
    Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3)).save(path)
    assert path.stat().st_size > 1_000_000
    client = client_for(alice_bot)
    image = json.loads(client.upload_image(path, "Noise"))
    assert image["image"]["size"] <= 1_000_000


def test_five_images_are_refused(alice_bot, tmp_path):
    path = tmp_path / "dot.png"
    Image.new("RGB", (8, 8), "red").save(path)
    client = client_for(alice_bot)
    media = [client.upload_image(path, "Dot")] * 5
    with pytest.raises(base.BadRequest, match="images"):
        client.post("Too many", media_ids=media)


def test_replies_name_the_thread_root_and_their_parent(alice_bot, bob_bot):
    alice, bob = client_for(alice_bot), client_for(bob_bot)
    root = alice.post("Root of the thread")
    first = bob.post("A reply", reply_to=root)
    second = alice.post("A reply to the reply", reply_to=first)
    reply = _record(second).value["reply"]
    assert (reply["root"]["uri"], reply["root"]["cid"]) == (root, _record(root).cid)
    assert (reply["parent"]["uri"], reply["parent"]["cid"]) == (first, _record(first).cid)
    assert _record(first).value["reply"]["root"]["uri"] == root


def test_mentions_come_from_notifications(alice_bot, bob_bot):
    alice, bob = client_for(alice_bot), client_for(bob_bot)
    older = bob.post(f"@{alice_bot.handle} are you there?")
    mine = alice.post("Anyone?")
    # A reply to the bot's post is said to it, named or not (as X delivers replies).
    unnamed = bob.post("A reply that names no one", reply_to=mine)
    newer = bob.post(f"Still here, @{alice_bot.handle}", reply_to=mine)
    bob.post("A post for everyone and no one in particular.")
    mentions = alice.mentions()
    assert [(m.id, m.author_username) for m in mentions] == [
        (newer, bob_bot.handle),
        (unnamed, bob_bot.handle),
        (older, bob_bot.handle),
    ]
    assert mentions[0].conversation_id == mine
    assert mentions[0].in_reply_to_user_id == alice_bot.x_user_id or alice.me().id
    assert alice.mentions(since_id=older) == mentions[:2]


def test_the_session_is_made_once_and_reused_across_posts(alice_bot, alice):
    for n in range(5):
        client_for(alice_bot).post(f"Post number {n}")
    assert BlueskySession.objects.filter(account=alice[0], signed_in=True).count() == 1
    alice_bot.refresh_from_db()
    assert alice_bot.encrypted_session and "Jwt" not in alice_bot.encrypted_session


def test_a_worker_keeps_a_bounded_number_of_clients_closing_the_oldest(
    alice_bot, bob_bot, monkeypatch
):
    monkeypatch.setattr(bluesky_client, "MOST_KEPT_CLIENTS", 1)
    client_for(alice_bot).post("Alice's")
    alices = client_for(alice_bot)._signed_in()
    client_for(bob_bot).post("Bob's")
    # One client kept a thread here: Alice's, used longest ago, is closed with its pool.
    assert alices.request._client.is_closed
    assert not client_for(bob_bot)._signed_in().request._client.is_closed
    client_for(alice_bot).post("Alice's again, on a new client")
    assert client_for(alice_bot)._signed_in() is not alices


def test_a_worker_keeps_a_bots_client_until_its_session_or_password_changes(alice_bot, alice):
    client_for(alice_bot).post("One")
    kept = client_for(alice_bot)._signed_in()
    client_for(alice_bot).post("Two")
    assert client_for(alice_bot)._signed_in() is kept

    # Another worker (its own thread) renews the session: this one takes the renewed one up.
    def renew_elsewhere():
        client_for(alice_bot)._signed_in()._refresh_and_set_session()
        connection.close()

    elsewhere = threading.Thread(target=renew_elsewhere)
    elsewhere.start()
    elsewhere.join()
    renewed = client_for(alice_bot)._signed_in()
    assert renewed is not kept
    assert renewed.export_session_string() == alice_bot.network_session()

    alice_bot.set_credentials(app_password=alice[1])
    alice_bot.save()
    assert client_for(alice_bot)._signed_in() is renewed, "the same password, re-entered"
    alice_bot.set_credentials(app_password="zzzz-yyyy-xxxx-wwww")
    alice_bot.save()
    assert client_for(alice_bot)._signed_in() is not renewed
    client_for(alice_bot).post("Three")
    assert BlueskySession.objects.filter(account=alice[0], signed_in=True).count() == 1


def test_a_session_near_its_expiry_is_refreshed_not_signed_in_again(alice_bot, alice, settings):
    # atproto refreshes an access token 15 minutes before it expires: one this short-lived
    # is refreshed before each client's first call, and the renewed session is kept.
    settings.XSANDBOX_BLUESKY_ACCESS_SECONDS = 60
    client_for(alice_bot).post("First")
    kept = alice_bot.network_session()
    client_for(alice_bot).post("Second")
    sessions = BlueskySession.objects.filter(account=alice[0])
    assert sessions.filter(signed_in=True).count() == 1
    assert sessions.filter(signed_in=False).count() == 2
    assert sessions.filter(spent_at__isnull=True).count() == 1
    assert alice_bot.network_session() != kept


def test_a_session_the_server_calls_expired_is_refreshed_once(alice_bot, alice, settings):
    client_for(alice_bot).post("First")
    settings.XSANDBOX_BLUESKY_ACCESS_SECONDS = 0
    # The next sign-in's token has expired by the time it is used: ExpiredToken, then refresh.
    BlueskySession.objects.filter(account=alice[0]).update(spent_at=None)
    stale = alice_bot.network_session()
    settings.XSANDBOX_BLUESKY_ACCESS_SECONDS = 7200
    client = client_for(alice_bot)
    client._signed_in()._session.access_jwt = _expired_access(alice[0].did)
    client.post("Second")
    assert alice_bot.network_session() != stale
    assert BlueskySession.objects.filter(account=alice[0], signed_in=True).count() == 1


def _expired_access(did: str) -> str:
    return tokens.issue(did=did, scope=tokens.ACCESS, lifetime=-1)


def test_a_wrong_app_password_is_unauthorized_without_leaking_it(alice):
    bot = _bot(alice[0], "aaaa-bbbb-cccc-dddd")
    with pytest.raises(base.Unauthorized) as refused:
        client_for(bot).post("Hello")
    assert refused.value.status == 401
    assert "aaaa-bbbb" not in str(refused.value) and "aaaa-bbbb" not in repr(client_for(bot))


def test_sign_ins_are_limited_as_bluesky_limits_them(alice):
    account, _ = alice
    BlueskySession.objects.bulk_create(
        BlueskySession(account=account, jti=f"old{n}", signed_in=True) for n in range(30)
    )
    bot = _bot(*alice)
    with pytest.raises(base.RateLimited, match="sign-in limit") as limited:
        client_for(bot).post("Hello")
    assert limited.value.reset_at is not None


def test_a_burst_of_429s_waits_for_its_reset(alice_bot, alice):
    client = client_for(alice_bot)
    client.me()
    BlueskyAccount.objects.filter(pk=alice[0].pk).update(rate_limit_burst=1)
    with pytest.raises(base.RateLimited) as limited:
        client.post("Too fast")
    assert limited.value.reset_at is not None
    assert client.post("Now then")


def test_a_server_error_whose_record_is_not_there_is_safe_to_retry(alice_bot, alice):
    client = client_for(alice_bot)
    client.me()
    BlueskyAccount.objects.filter(pk=alice[0].pk).update(error_rate=1.0)
    with pytest.raises(base.Transient) as failed:
        client.post("Into the void", key="aviary-1-1764626400000001")
    # The PDS answered 503 and getRecord finds no record at the rkey: not posted.
    assert not failed.value.ambiguous and failed.value.status == 503
    assert not BlueskyRecord.objects.exists()


def test_a_write_without_an_answer_is_ambiguous(alice_bot, alice, settings):
    client = client_for(alice_bot)
    client.me()
    BlueskyAccount.objects.filter(pk=alice[0].pk).update(latency_ms=4000)
    with pytest.raises(base.Transient, match="did not answer in time") as failed:
        client.post("Slow", key="aviary-2-1764626400000002")
    assert failed.value.ambiguous


def test_a_post_whose_answer_is_lost_is_read_back_at_its_rkey(alice_bot, alice):
    client = client_for(alice_bot)
    client.me()
    BlueskyAccount.objects.filter(pk=alice[0].pk).update(stall_next=1)
    uri = client.post("Exactly once", key="aviary-9-1764626400000009")
    assert uri == BlueskyRecord.objects.get(collection=POST).uri


def test_a_retry_that_finds_its_rkey_taken_was_posted(alice_bot):
    key = "aviary-10-1764626400000010"
    first = client_for(alice_bot).post("Exactly once", key=key)
    again = client_for(alice_bot).post("Exactly once", key=key)
    assert again == first
    assert BlueskyRecord.objects.filter(collection=POST).count() == 1


def test_a_pds_that_cannot_be_reached_was_never_sent_to(alice_bot, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    alice_bot.server_url = f"http://127.0.0.1:{port}"
    with pytest.raises(base.Transient) as failed:
        client_for(alice_bot).post("Nowhere")
    assert not failed.value.ambiguous


def test_a_broken_upload_is_a_bad_request(alice_bot, tmp_path):
    path = tmp_path / "not.png"
    path.write_bytes(b"not an image at all")
    with pytest.raises((base.BadRequest, OSError)):
        client_for(alice_bot).upload_image(path, "")


def test_marking_as_bot_sets_the_self_label_and_keeps_the_profile(alice_bot, alice):
    client_for(alice_bot).mark_as_bot()
    client_for(alice_bot).mark_as_bot()
    account = BlueskyAccount.objects.get(pk=alice[0].pk)
    assert account.labels == ["bot"]
    assert account.profile["labels"]["$type"] == "com.atproto.label.defs#selfLabels"
