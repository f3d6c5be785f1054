"""XClient against the sandbox over real HTTP: every call works, and every way X refuses
becomes the platforms.base error that says what to do next."""

import io
import socket
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from bots.services import verify_bot
from platforms import base, client_for
from tests.conftest import SECRETS
from tests.factories import make_bot, make_sandbox_mentions, make_sandbox_post
from xsandbox.accounts import credentials_of, set_bio, set_faults
from xsandbox.models import Post


@pytest.fixture
def client(sandbox_bot):
    return client_for(sandbox_bot)


def test_it_posts_reads_uploads_and_finds_mentions(client, sandbox_bot, other_account, tmp_path):
    path = tmp_path / "cat.png"
    Image.new("RGB", (40, 30), "blue").save(path)
    media_id = client.upload_image(path, "A blue cat, abstractly")
    post_id = client.post("Hello sandbox", media_ids=[media_id])
    assert client.last_limits.limit == 100 and client.last_limits.remaining == 99
    assert [(p.id, p.text) for p in client.recent_posts()] == [(post_id, "Hello sandbox")]
    assert client.recent_posts()[0].created_at.tzinfo is not None
    stored = Post.objects.get(text="Hello sandbox")
    assert [m.alt_text for m in stored.media.all()] == ["A blue cat, abstractly"]

    other = make_bot(
        name="Other",
        handle=other_account.handle,
        platform="sandbox",
        credentials=credentials_of(other_account),
    )
    client_for(other).post(f"@{sandbox_bot.handle} are you there?")
    mentions = client.mentions()
    assert [(m.text, m.author_username) for m in mentions] == [
        (f"@{sandbox_bot.handle} are you there?", other_account.handle)
    ]
    assert client.mentions(since_id=mentions[0].id) == []
    reply_id = client.post("I am here.", reply_to=mentions[0].id)
    assert Post.objects.get(pk=int(reply_id) - 1_860_000_000_000_000_000).in_reply_to is not None


def test_a_worker_speaks_for_every_bot_through_one_session_that_keeps_no_cookies(
    client, sandbox_bot, other_account, sandbox
):
    other = make_bot(
        name="Other",
        handle=other_account.handle,
        platform="sandbox",
        credentials=credentials_of(other_account),
    )
    theirs = client_for(other)
    client.post("Mine, through the kept session.")
    theirs.post("Theirs, through the same one.")
    session = client._tweepy.session
    assert theirs._tweepy.session is session
    # A cookie one answer set would go out with every bot's requests: none is kept (the
    # login page sets one).
    answer = session.get(sandbox.url + reverse("login"), timeout=5)
    assert "csrftoken" in answer.headers["Set-Cookie"]
    assert not session.cookies


def test_wrong_credentials_are_unauthorized_without_leaking_them(account, credential_keys):
    bot = make_bot(name="Wrong", handle=account.handle, platform="sandbox", credentials=SECRETS)
    with pytest.raises(base.Unauthorized) as refused:
        client_for(bot).post("Hello")
    assert refused.value.status == 401
    assert "credentials" in refused.value.reason
    for secret in SECRETS.values():
        assert secret not in str(refused.value) and secret not in repr(client_for(bot))


def test_duplicates_are_their_own_error(client):
    client.post("Only once")
    with pytest.raises(base.DuplicateContent) as refused:
        client.post("Only once")
    assert refused.value.status == 403


def test_bad_requests_are_permanent(client):
    with pytest.raises(base.BadRequest, match="282 characters"):
        client.post("字" * 141)
    with pytest.raises(base.BadRequest, match="media"):
        client.post("With a ghost image", media_ids=["1860000000500000042"])


def test_out_of_credit_is_402(client, account):
    set_faults(account, credits_exhausted=True)
    with pytest.raises(base.OutOfCredit) as refused:
        client.post("Costs money")
    assert refused.value.status == 402


def test_rate_limits_carry_the_reset_time(client, account):
    call_command("sandbox_faults", handle=account.handle, rate_limit_burst=1, stdout=io.StringIO())
    with pytest.raises(base.RateLimited) as limited:
        client.post("Too soon")
    assert limited.value.status == 429
    assert 0 < (limited.value.reset_at - datetime.now(UTC)).total_seconds() <= 3
    assert client.post("Now it goes")


def test_the_24_hour_posting_limit_waits_for_its_own_reset(client, settings):
    settings.XSANDBOX_DAILY_POST_LIMIT = 1
    client.post("The one post of the day")
    with pytest.raises(base.RateLimited, match="24-hour") as limited:
        client.post("One too many")
    assert (limited.value.reset_at - datetime.now(UTC)).total_seconds() > 23 * 3600


def test_a_usage_cap_is_a_rate_limit_with_its_own_reason(client, account):
    call_command("sandbox_faults", handle=account.handle, usage_capped=True, stdout=io.StringIO())
    with pytest.raises(base.RateLimited, match="usage cap") as capped:
        client.post("Capped")
    assert capped.value.status == 429
    with pytest.raises(base.RateLimited, match="usage cap"):
        client.recent_posts()


def test_server_errors_are_transient_and_ambiguous_for_writes(client, account):
    set_faults(account, error_rate=1.0)
    with pytest.raises(base.Transient) as failed:
        client.post("Into the void")
    assert failed.value.status == 503 and failed.value.ambiguous
    assert client.me().username == account.handle  # reads are not faulted


def test_a_forbidden_account_is_told_apart_from_a_refused_post(client, other_account):
    theirs = Post.objects.create(account=other_account, text="Not yours to delete")
    with pytest.raises(base.Forbidden) as refused:
        client.delete(theirs.post_id)
    assert refused.value.status == 403
    theirs.deleted = True
    theirs.save()
    with pytest.raises(base.BadRequest, match="deleted or not visible"):
        client.post("A reply to nothing", reply_to=theirs.post_id)


def test_a_stalled_answer_is_an_ambiguous_timeout(client, account, settings):
    settings.X_API_READ_TIMEOUT = 1
    set_faults(account, stall_next=1)
    with pytest.raises(base.Transient, match="did not answer") as failed:
        client.post("Stored, but no answer")
    assert failed.value.ambiguous
    assert Post.objects.filter(text="Stored, but no answer").exists()


def test_a_stalled_read_is_a_timeout_but_not_ambiguous(client, account, settings):
    settings.X_API_READ_TIMEOUT = 1
    set_faults(account, latency_ms=2000)
    with pytest.raises(base.Transient, match="did not answer") as failed:
        client.recent_posts()
    assert not failed.value.ambiguous


def test_a_refused_connection_is_transient_and_certainly_not_sent(sandbox_bot, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.SANDBOX_BASE_URL = f"http://127.0.0.1:{port}/xsandbox"
    with pytest.raises(base.Transient, match="Could not connect") as failed:
        client_for(sandbox_bot).post("Nobody listening")
    assert not failed.value.ambiguous


def test_verify_stores_the_x_identity_and_clears_attention(sandbox_bot, account):
    sandbox_bot.attention_reason = "X refused the bot's credentials (401)."
    sandbox_bot.handle = "oldname"
    sandbox_bot.save()
    outcome = verify_bot(sandbox_bot)
    assert outcome.ok, outcome.message
    sandbox_bot.refresh_from_db()
    assert (sandbox_bot.x_user_id, sandbox_bot.handle) == (account.user_id, account.handle)
    assert sandbox_bot.verified_at and not sandbox_bot.attention_reason


def test_verify_with_wrong_credentials_says_so_and_flags_the_bot(account, credential_keys):
    bot = make_bot(name="Wrong", handle=account.handle, platform="sandbox", credentials=SECRETS)
    outcome = verify_bot(bot)
    assert not outcome.ok and "401" in outcome.message
    bot.refresh_from_db()
    assert bot.attention_reason
    assert all(secret not in outcome.message for secret in SECRETS.values())


def test_images_that_are_not_images_are_refused(client, tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a but not really" + bytes(100))
    with pytest.raises(base.BadRequest, match="not a supported image"):
        client.upload_image(fake, "")


def test_the_admin_action_verifies_each_bot_and_says_how_it_went(
    admin_client, sandbox_bot, account
):
    wrong = make_bot(name="Wrong", handle="wrong", platform="sandbox", credentials=SECRETS)
    response = admin_client.post(
        reverse("admin:bots_bot_changelist"),
        {"action": "verify", "_selected_action": [sandbox_bot.pk, wrong.pk]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any(f"@{account.handle}" in message for message in messages)
    assert any("Wrong could not be verified" in message for message in messages)
    wrong.refresh_from_db()
    sandbox_bot.refresh_from_db()
    assert sandbox_bot.x_user_id == account.user_id and wrong.attention_reason


def test_it_reads_every_page_of_mentions_back_to_since_id(client, account, other_account):
    posts = make_sandbox_mentions(author=other_account, mentioned=account, count=230)
    ids = [str(post.post_id) for post in posts]

    assert [post.id for post in client.mentions()] == ids[::-1]
    assert [len(page.posts) for page in client.mention_pages()] == [100, 100, 30]
    assert [post.id for post in client.mentions(since_id=ids[99])] == ids[:99:-1]
    assert [post.id for post in client.mentions(since_id=ids[9], until_id=ids[20])] == ids[19:9:-1]
    assert {post.author_username for post in client.mentions()} == {other_account.handle}


def test_it_reads_its_own_posts_since_a_time_across_pages(client, account):
    for n in range(5):
        make_sandbox_post(account=account, text=f"Old {n}")
    Post.objects.update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    recent = [make_sandbox_post(account=account, text=f"New {n}") for n in range(150)]

    since = datetime(2026, 1, 2, tzinfo=UTC)
    assert [post.id for post in client.recent_posts(since=since)] == [
        post.post_id for post in reversed(recent)
    ]
    assert len(client.recent_posts()) == 100


def test_an_unsummoned_reply_is_refused_for_that_post_and_mentions_carry_whom_they_mention(
    client, sandbox_bot, other_account
):
    other = make_bot(
        name="Other",
        handle=other_account.handle,
        platform="sandbox",
        credentials=credentials_of(other_account),
    )
    unsummoned = client_for(other).post("Nobody is mentioned here.")
    summoning = client_for(other).post(f"A word for @{sandbox_bot.handle.upper()}.")

    with pytest.raises(base.ReplyRefused) as refused:
        client.post("May I?", reply_to=unsummoned)
    (mention,) = client.mentions()

    assert isinstance(refused.value, base.Forbidden) and refused.value.status == 403
    assert "did not mention or quote the bot" in refused.value.reason
    assert "not been mentioned or otherwise engaged" in refused.value.reason
    assert mention.id == summoning
    assert mention.mentions == (sandbox_bot.handle.lower(),)
    assert mention.mentions_username(sandbox_bot.handle)


def test_me_reads_the_bio_and_verifying_keeps_it(client, sandbox_bot, account):
    set_bio(account, "Automated. A bot run by @holmes_fan.")

    assert client.me().description == "Automated. A bot run by @holmes_fan."
    verify_bot(sandbox_bot)
    sandbox_bot.refresh_from_db()
    assert sandbox_bot.bio == "Automated. A bot run by @holmes_fan."
