"""Images go to X once per post: a retry reuses the media ids X gave, until they expire."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from bots.models import BotImage
from platforms import client_for
from tests.factories import make_tweet
from tweets.models import TweetImage
from tweets.posting import upload_media
from xsandbox.models import Media


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
