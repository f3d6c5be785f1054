"""The posting pipeline: the sweep and the claim (which bots' queues move, and which tweets
hold them), and images that go to X once per post (a retry reuses the media ids X gave, until
they expire)."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from bots.models import BotImage
from platforms import client_for
from tests.factories import make_bot, make_tweet
from tweets import posting
from tweets.models import Tweet, TweetImage
from tweets.posting import upload_media
from xsandbox.models import Media

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
