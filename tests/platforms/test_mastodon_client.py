"""MastodonClient against the Mastodon sandbox over real HTTP: posts, images with alt text,
replies, mentions, the instance's own limit, and every way an instance refuses becoming the
platforms.base error that says what to do next."""

import socket
from datetime import UTC, datetime

import pytest
from PIL import Image

from bots.services import verify_bot
from platforms import base, client_for, rules_for
from platforms.mastodon.client import idempotency_key
from tests.conftest import make_mastodon_bot
from tests.factories import make_bot
from xsandbox.mastodon.accounts import ensure_account, issue_token, set_faults
from xsandbox.models import MastodonAccount, MastodonStatus, MastodonToken


@pytest.fixture
def account(mastodon_account):
    return mastodon_account


@pytest.fixture
def other_account(mastodon_sandbox, transactional_db, credential_keys):
    return ensure_account("borealis")[0]


def bot_for(account, **fields):
    return make_mastodon_bot(account, **fields)


@pytest.fixture
def bot(mastodon_bot):
    return mastodon_bot


@pytest.fixture
def client(bot):
    return client_for(bot)


def test_it_posts_and_reads_its_own_statuses(client, account):
    post_id = client.post("Hello, fediverse")
    assert client.last_limits.limit == 300 and client.last_limits.remaining == 299
    assert client.last_limits.reset_at > datetime.now(UTC)
    recent = client.recent_posts()
    assert [(p.id, p.text) for p in recent] == [(post_id, "Hello, fediverse")]
    assert recent[0].created_at.tzinfo is not None
    assert MastodonStatus.objects.get().account == account


def test_a_worker_speaks_for_every_bot_through_one_session_that_keeps_no_cookies(
    client, account, other_account, mastodon_sandbox
):
    theirs = client_for(bot_for(other_account))
    client.post("Mine, through the kept session.")
    theirs.post("Theirs, through the same one.")

    assert theirs._session is client._session
    owners = dict(MastodonStatus.objects.values_list("text", "account__username"))
    assert owners == {
        "Mine, through the kept session.": account.username,
        "Theirs, through the same one.": other_account.username,
    }, "each call carries its own bot's token"
    # A cookie one answer set would go out with every bot's requests: none is kept (the
    # login page sets one).
    answer = client._session.get(f"{mastodon_sandbox.url}/accounts/login/", timeout=5)
    assert "csrftoken" in answer.headers["Set-Cookie"]
    assert not client._session.cookies


def test_it_uploads_images_with_alt_text_waiting_while_they_process(client, tmp_path):
    paths = []
    for n, colour in enumerate(("blue", "red")):
        paths.append(tmp_path / f"cat{n}.png")
        Image.new("RGB", (40, 30), colour).save(paths[-1])
    media_ids = [client.upload_image(path, f"A {n} cat") for n, path in enumerate(paths)]
    client.post("Two cats", media_ids=media_ids)
    stored = MastodonStatus.objects.get(text="Two cats")
    assert sorted(m.description for m in stored.media.all()) == ["A 0 cat", "A 1 cat"]


def test_it_refuses_a_fifth_image_with_the_instances_reason(client, tmp_path):
    path = tmp_path / "cat.png"
    Image.new("RGB", (40, 30), "blue").save(path)
    media_ids = [client.upload_image(path, "") for _ in range(5)]
    with pytest.raises(base.BadRequest, match="limited to 4") as refused:
        client.post("Too many cats", media_ids=media_ids)
    assert refused.value.status == 422


def test_it_replies_and_finds_mentions_back_to_since_id(client, bot, account, other_account):
    other = client_for(bot_for(other_account))
    first = other.post("@aurora are you awake?")
    mentions = client.mentions()
    assert [(m.id, m.text, m.author_username) for m in mentions] == [
        (first, "@aurora are you awake?", "borealis")
    ]
    assert mentions[0].conversation_id == first
    assert client.mentions(since_id=first) == []
    reply = client.post("@borealis I am.", reply_to=first)
    assert MastodonStatus.objects.get(text="@borealis I am.").in_reply_to.status_id == first
    again = other.post("@aurora good night", reply_to=reply)
    newer = client.mentions(since_id=first)
    assert [m.id for m in newer] == [again]
    # The thread's first status names the conversation, for the loop guards.
    assert newer[0].conversation_id == first
    assert newer[0].in_reply_to_user_id == account.account_id


def test_mentions_page_through_every_notification(client, other_account, monkeypatch):
    other = client_for(bot_for(other_account))
    ids = [other.post(f"@aurora number {n}") for n in range(5)]
    monkeypatch.setattr("platforms.mastodon.client.PAGE_SIZE", 2)
    pages = list(client.mention_pages())
    assert [len(page.posts) for page in pages] == [2, 2, 1]
    assert [post.id for page in pages for post in page.posts] == ids[::-1]
    assert [p.id for p in client.mentions(since_id=ids[1], until_id=ids[4])] == ids[2:4][::-1]


def test_the_same_idempotency_key_returns_the_first_status(client):
    first = client.post("Exactly once", key="tweet-1-abc")
    assert client.post("Exactly once", key="tweet-1-abc") == first
    assert client.post("Exactly once", key="tweet-2-def") != first
    assert MastodonStatus.objects.filter(text="Exactly once").count() == 2
    stored = MastodonStatus.objects.get(pk=int(first) - 113_000_000_000_000_000)
    assert stored.idempotency_key == idempotency_key("tweet-1-abc") != "tweet-1-abc"


def test_me_reads_the_account_as_user_at_instance(client, account):
    me = client.me()
    assert (me.id, me.username, me.name) == (account.account_id, "aurora@localhost", "Aurora")


def test_verify_stores_the_mastodon_identity(bot, account):
    outcome = verify_bot(bot)
    assert outcome.ok, outcome.message
    bot.refresh_from_db()
    assert (bot.x_user_id, bot.handle) == (account.account_id, "aurora@localhost")


def test_the_bot_flag_is_set_by_update_credentials(client, account):
    client.mark_as_bot()
    assert MastodonAccount.objects.get(pk=account.pk).bot


def test_a_wrong_token_is_unauthorized_without_leaking_it(account):
    bot = make_bot(
        name="Wrong",
        handle="aurora@localhost",
        platform="mastodon_sandbox",
        credentials={"access_token": "not-a-token-PLAINTEXT"},
    )
    with pytest.raises(base.Unauthorized) as refused:
        client_for(bot).post("Hello")
    assert refused.value.status == 401
    assert "PLAINTEXT" not in str(refused.value) and "PLAINTEXT" not in repr(client_for(bot))


def test_a_revoked_token_is_unauthorized_on_reads_too(client, account):
    MastodonToken.objects.filter(account=account).delete()
    with pytest.raises(base.Unauthorized):
        client.recent_posts()


def test_too_long_and_blank_posts_are_permanent_refusals(client):
    with pytest.raises(base.BadRequest, match="character limit of 500") as refused:
        client.post("a" * 501)
    assert refused.value.status == 422
    with pytest.raises(base.BadRequest, match="blank"):
        client.post("   ")


def test_a_reply_begins_with_its_authors_address_as_mastodons_clients_write_it(
    client, account, other_account
):
    other = client_for(bot_for(other_account))
    asked = other.post("@aurora are you awake?")

    client.post("I am.", reply_to=asked)
    client.post("Still, @Borealis.", reply_to=asked)
    own = client.post("A thought.")
    client.post("And another.", reply_to=own)

    texts = set(MastodonStatus.objects.filter(account=account).values_list("text", flat=True))
    assert texts == {"@borealis I am.", "Still, @Borealis.", "A thought.", "And another."}
    # Only a mention in the text notifies (as on Mastodon), so the author hears both.
    assert [m.text for m in other.mentions()] == ["Still, @Borealis.", "@borealis I am."]


def test_a_reply_to_a_missing_status_is_not_found(client):
    with pytest.raises(base.BadRequest, match="404"):
        client.post("To nothing", reply_to="113000000000009999")


def test_a_token_without_the_scope_is_forbidden(account):
    bot = make_bot(
        name="Reader",
        handle="aurora@localhost",
        platform="mastodon_sandbox",
        credentials={"access_token": issue_token(account, scopes="read")},
    )
    with pytest.raises(base.Forbidden, match="outside the authorized scopes") as refused:
        client_for(bot).post("Hello")
    assert refused.value.status == 403
    assert client_for(bot).me().id == account.account_id


def test_rate_limits_carry_the_instances_reset_time(client, account):
    set_faults(account, rate_limit_burst=1)
    with pytest.raises(base.RateLimited) as limited:
        client.post("Too soon")
    assert limited.value.status == 429
    assert 0 < (limited.value.reset_at - datetime.now(UTC)).total_seconds() <= 3
    assert client.post("Now it goes")


def test_server_errors_are_transient_and_ambiguous_for_writes(client, account):
    set_faults(account, error_rate=1.0)
    with pytest.raises(base.Transient) as failed:
        client.post("Into the void")
    assert failed.value.status == 503 and failed.value.ambiguous
    assert client.me().id == account.account_id  # reads are not faulted


def test_a_stalled_answer_is_an_ambiguous_timeout(client, account, settings):
    settings.MASTODON_API_READ_TIMEOUT = 1
    set_faults(account, stall_next=1)
    with pytest.raises(base.Transient, match="did not answer") as failed:
        client.post("Stored, but no answer", key="k1")
    assert failed.value.ambiguous
    # The retry with the same key answers the stored status: no second one.
    assert client.post("Stored, but no answer", key="k1")
    assert MastodonStatus.objects.filter(text="Stored, but no answer").count() == 1


def test_a_slow_read_is_a_timeout_but_not_ambiguous(client, account, settings):
    settings.MASTODON_API_READ_TIMEOUT = 1
    set_faults(account, latency_ms=2000)
    with pytest.raises(base.Transient, match="did not answer") as failed:
        client.recent_posts()
    assert not failed.value.ambiguous


def test_a_refused_connection_is_transient_and_certainly_not_sent(bot, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.MASTODON_SANDBOX_BASE_URL = f"http://127.0.0.1:{port}/xsandbox/mastodon"
    with pytest.raises(base.Transient, match="Could not connect") as failed:
        client_for(bot).post("Nobody listening")
    assert not failed.value.ambiguous


def test_images_that_are_not_images_are_refused(client, tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a but not really" + bytes(100))
    with pytest.raises(base.BadRequest, match="422"):
        client.upload_image(fake, "")


def test_an_image_still_processing_at_the_deadline_is_transient(client, tmp_path, settings):
    settings.XSANDBOX_MASTODON_PROCESSING_SECONDS = 30
    settings.MASTODON_MEDIA_DEADLINE_SECONDS = 0.6
    path = tmp_path / "cat.png"
    Image.new("RGB", (40, 30), "blue").save(path)
    with pytest.raises(base.Transient, match="still processing") as failed:
        client.upload_image(path, "Slow cat")
    assert not failed.value.ambiguous


def test_the_rules_use_the_instances_own_limit(bot, settings):
    settings.XSANDBOX_MASTODON_MAX_CHARACTERS = 120
    rules = rules_for(bot)
    assert rules.max_length == 120 and rules.max_images == 4
    assert rules.is_valid("a" * 120) and not rules.is_valid("a" * 121)
    # Cached per instance: the instance changing its mind shows after the cache ends.
    settings.XSANDBOX_MASTODON_MAX_CHARACTERS = 900
    assert rules_for(bot).max_length == 120


def test_an_unreachable_instance_gets_the_default_limit(bot, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    bot.server_url = f"http://127.0.0.1:{port}/"
    assert rules_for(bot).max_length == 500
