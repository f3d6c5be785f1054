"""The posting pipeline: the sweep and the claim (which bots' queues move, and which tweets
hold them), and images that go to X once per post (a retry reuses the media ids X gave, until
they expire)."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from bots.gallery import set_alt_text, store_processed
from bots.images import ingest_image
from bots.models import BotImage
from platforms import client_for
from tests.factories import image_bytes, make_bot, make_tweet
from tweets import posting, reconciling, timeline
from tweets.images import attach_images
from tweets.models import Tweet, TweetImage
from tweets.posting import upload_media
from tweets.services import approve_tweet
from xsandbox.accounts import credentials_of, set_faults
from xsandbox.models import MastodonStatus, Media

State = Tweet.State


def test_the_sweep_finds_due_tweets_only_of_bots_that_may_post(bot, credential_keys):
    now = timezone.now()
    no_credentials = make_bot()
    make_tweet(bot=bot, state=State.APPROVED, next_attempt_at=now)
    make_tweet(bot=bot, state=State.APPROVED, next_attempt_at=now)
    make_tweet(bot=no_credentials, state=State.APPROVED, next_attempt_at=now)
    make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True)
    assert posting.sweep(now)["bots"] == [bot.pk]
    assert posting.claim_next(no_credentials.pk, now=now) is None


def test_the_sweep_turns_a_dead_lease_unknown_for_a_check(bot):
    now = timezone.now()
    dead = make_tweet(bot=bot, state=State.POSTING, lease_until=now - timedelta(seconds=1))
    alive = make_tweet(bot=bot, state=State.POSTING, lease_until=now + timedelta(minutes=1))
    found = posting.sweep(now)
    assert (found["expired"], found["reconcile"]) == (1, [dead.pk])
    dead.refresh_from_db()
    assert (dead.state, dead.lease_until, dead.updated_at) == (State.UNKNOWN, None, now)
    assert Tweet.objects.get(pk=alive.pk).state == State.POSTING


def test_a_tweet_being_sent_holds_the_bots_queue(bot):
    make_tweet(bot=bot, state=State.UNKNOWN, next_attempt_at=timezone.now())
    make_tweet(bot=bot, state=State.APPROVED)
    assert posting.claim_next(bot.pk) is None


def gallery_image(bot, color="orange"):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), color).save(buffer, "PNG")
    return BotImage.objects.create(
        bot=bot,
        image=ContentFile(buffer.getvalue(), name="upload.png"),
        format="PNG",
        sha256=color.encode().hex().ljust(64, "0"),
        alt_text=f"An {color} box",
    )


def test_a_retry_reuses_uploaded_media_until_x_lets_it_expire(sandbox_bot):
    tweet = make_tweet(bot=sandbox_bot)
    TweetImage.objects.create(tweet=tweet, image=gallery_image(sandbox_bot), position=0)
    client = client_for(sandbox_bot)

    first = upload_media(client, tweet)
    again = upload_media(client, tweet)
    assert first == again and Media.objects.count() == 1
    assert Media.objects.get().alt_text == "An orange box"

    TweetImage.objects.update(media_expires_at=timezone.now() - timedelta(minutes=1))
    renewed = upload_media(client, tweet)
    assert renewed != first and Media.objects.count() == 2


# Reconciling by identity ---------------------------------------------------------------


def post_next(bot) -> Tweet:
    """Claim the bot's next due tweet and send it to the sandbox over HTTP."""
    return posting.post_claimed(posting.claim_next(bot.pk))


def test_reconciling_never_marks_a_tweet_posted_with_another_tweets_post(sandbox_bot, account):
    first = make_tweet(
        bot=sandbox_bot,
        text="Meet us at the harbour tonight … https://example.com/first",
        state=State.APPROVED,
    )
    assert post_next(sandbox_bot).state == State.POSTED
    second = make_tweet(
        bot=sandbox_bot,
        text="meet us at the HARBOUR tonight …   https://example.com/second",
        state=State.APPROVED,
    )
    set_faults(account, error_rate=1.0)  # a 503 before anything is stored
    assert post_next(sandbox_bot).pk == second.pk
    second.refresh_from_db()
    assert second.state == State.UNKNOWN
    set_faults(account, reset=True)

    second = reconciling.reconcile(second)

    first.refresh_from_db()
    assert second.state != State.POSTED and second.x_post_id == ""
    assert Tweet.objects.filter(x_post_id=first.x_post_id).count() == 1


def test_reconciling_finds_the_tweets_own_post_when_x_stored_it(sandbox_bot, account, settings):
    settings.XSANDBOX_STALL_SECONDS = 4
    tweet = make_tweet(bot=sandbox_bot, text="Stored, then silence", state=State.APPROVED)
    set_faults(account, stall_next=1)
    assert post_next(sandbox_bot).state == State.UNKNOWN
    tweet = reconciling.reconcile(tweet)
    assert tweet.state == State.POSTED and tweet.x_post_id == account.posts.get().post_id


def test_a_post_held_by_another_tweet_is_never_a_match_even_with_the_same_text(sandbox_bot):
    post_id = client_for(sandbox_bot).post("Same words, twice")
    make_tweet(bot=sandbox_bot, text="Same words, twice", state=State.POSTED, x_post_id=post_id)
    lost = make_tweet(bot=sandbox_bot, text="Same words, twice", state=State.UNKNOWN)
    assert timeline.find_on_timeline(lost) is None


def test_a_second_tweet_cannot_hold_a_post_another_tweet_holds(bot):
    from django.db import IntegrityError, transaction

    make_tweet(bot=bot, state=State.POSTED, x_post_id="1001")
    make_tweet(bot=make_bot(), state=State.POSTED, x_post_id="1001")  # another bot's: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tweet(bot=bot, state=State.POSTED, x_post_id="1001")


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        ("Meet at noon https://example.com/a", "Meet at noon https://t.co/Ab12Cd34Ef", True),
        ("Meet at noon https://example.com/a", "Meet at noon https://example.com/a", True),
        ("Meet at noon https://example.com/a", "Meet at noon https://example.com/b", False),
        ("Meet at noon https://example.com/a", "meet at NOON https://t.co/Ab12Cd34Ef", False),
        ("Meet at noon https://example.com/a", "Meet at  noon https://t.co/Ab12Cd34Ef", False),
        ("Fish & chips <3", "Fish &amp; chips &lt;3", True),
        ("Cafe\u0301 tonight", "Caf\u00e9 tonight", True),
        ("A line\nand another", "A line and another", False),
    ],
)
def test_texts_compare_as_x_stores_them(ours, theirs, same):
    assert timeline.same_text_on_x(ours, theirs) is same


def test_a_duplicate_of_another_tweets_post_fails_and_names_it(sandbox_bot):
    first = make_tweet(bot=sandbox_bot, text="Said once, approved twice", state=State.APPROVED)
    assert post_next(sandbox_bot).state == State.POSTED
    second = make_tweet(bot=sandbox_bot, text="Said once, approved twice", state=State.APPROVED)

    second = post_next(sandbox_bot)

    first.refresh_from_db()
    assert second.state == State.FAILED and second.x_post_id == ""
    assert f"X refused it as a duplicate of tweet {first.pk}, posted" in second.last_error
    assert Tweet.objects.filter(x_post_id=first.x_post_id).count() == 1


def test_an_unknown_tweet_refused_its_timeline_is_checked_again_once_credentials_verify(
    sandbox_bot, account
):
    from bots.services import verify_bot
    from xsandbox.accounts import credentials_of

    tweet = make_tweet(bot=sandbox_bot, text="Was it posted?", state=State.UNKNOWN)
    sandbox_bot.set_credentials(**{**credentials_of(account), "access_token_secret": "typo"})
    sandbox_bot.save()
    tweet = reconciling.reconcile(tweet)
    assert tweet.state == State.UNKNOWN and tweet.next_attempt_at is None
    assert "mark it posted or retry" not in tweet.last_error
    assert "Not on X: post again" in tweet.last_error
    assert tweet.pk not in posting.sweep()["reconcile"]

    sandbox_bot.set_credentials(**credentials_of(account))
    sandbox_bot.save()
    assert verify_bot(sandbox_bot).ok

    assert tweet.pk in posting.sweep()["reconcile"]
    tweet = reconciling.reconcile(tweet)
    assert tweet.state == State.UNKNOWN and tweet.next_attempt_at is not None
    assert tweet.timeline_refused_at is None


def test_a_sandbox_post_is_logged_as_posted_on_the_sandbox_not_on_x(sandbox_bot):
    make_tweet(bot=sandbox_bot, text="A lamp in the window.", state=State.APPROVED)

    posted = post_next(sandbox_bot)

    entry = posted.activity.get(action="tweet.posted")
    assert entry.message == f"Posted on the sandbox as {posted.x_post_id}."


def test_a_reply_the_sandbox_refuses_as_unsummoned_fails_without_flagging_the_bot(
    sandbox_bot, other_account, django_capture_on_commit_callbacks
):
    stranger = make_bot(
        name="Stranger",
        handle=other_account.handle,
        platform="sandbox",
        credentials=credentials_of(other_account),
    )
    unsummoned = client_for(stranger).post("Talking to myself.")
    reply = make_tweet(
        bot=sandbox_bot,
        text="Nobody asked me, but here I am.",
        state=State.APPROVED,
        in_reply_to_post_id=unsummoned,
    )

    with django_capture_on_commit_callbacks() as queued:
        posting.post_claimed(posting.claim_next(sandbox_bot.pk))

    reply.refresh_from_db()
    sandbox_bot.refresh_from_db()
    assert reply.state == State.FAILED
    assert "did not mention or quote the bot" in reply.last_error
    assert reply.attempts.get().outcome == "forbidden"
    assert sandbox_bot.attention_reason == "" and sandbox_bot.can_post()
    assert queued == [], "no credential check: the account is fine"
    assert client_for(sandbox_bot).recent_posts() == []


def test_a_mastodon_tweet_posts_with_its_images_and_costs_nothing(mastodon_bot, tmp_path):
    added = store_processed(mastodon_bot, ingest_image(image_bytes(), name="sea.png"))
    set_alt_text(added.image, text="A grey sea")
    tweet = make_tweet(bot=mastodon_bot, text="The tide is in.")
    attach_images(tweet, images=[added.image])
    approve_tweet(tweet, by=None)
    posted = posting.post_claimed(posting.claim_next(mastodon_bot.pk))
    assert posted.state == Tweet.State.POSTED and posted.cost_usd == 0
    status = MastodonStatus.objects.get(text="The tide is in.")
    assert posted.x_post_id == status.status_id
    assert [m.description for m in status.media.all()] == ["A grey sea"]
    assert posted.x_post_url.endswith(f"/xsandbox/mastodon/@aurora/{status.status_id}")
