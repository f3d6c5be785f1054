"""Images on tweets: attaching gallery images to a draft, giving new drafts one by the bot's
chance, and removing an image from the gallery (drafts and rejected tweets lose it)."""

from django.db import transaction

from bots import gallery
from bots.models import Bot, BotImage
from platforms import rules_for
from tweets.models import Tweet, TweetImage


class AttachRefused(ValueError):
    """The images cannot go on that tweet; the message says why."""


def remove_gallery_image(image: BotImage, *, by=None) -> bool:
    """Take an image out of the gallery. Returns True if it was deleted with its files.

    Drafts (and rejected tweets) lose it. An image that any other tweet uses (queued, being
    posted, posted, failed) is only marked removed: that tweet keeps it for its history.
    """
    with transaction.atomic():
        TweetImage.objects.filter(
            image=image, tweet__state__in=[Tweet.State.DRAFT, Tweet.State.REJECTED]
        ).delete()
        return gallery.retire_gallery_image(image, by=by)


def attach_images(tweet, *, images) -> None:
    """Make these (at most the network's limit, in this order) the draft's images; an empty
    list detaches all."""
    images = list(images)
    if tweet.state != Tweet.State.DRAFT:
        raise AttachRefused("Images can only be changed on a draft.")
    max_images = rules_for(tweet.bot).max_images
    if len(images) > max_images:
        raise AttachRefused(f"A post carries at most {max_images} images.")
    if any(image.bot_id != tweet.bot_id or image.removed_at for image in images):
        raise AttachRefused("Only images from this bot's gallery can be attached.")
    if len(images) > 1 and any(image.format == "GIF" for image in images):
        raise AttachRefused("A GIF goes on a post alone, without other images.")
    with transaction.atomic():
        TweetImage.objects.filter(tweet=tweet).delete()
        TweetImage.objects.bulk_create(
            TweetImage(tweet=tweet, image=image, position=position)
            for position, image in enumerate(images)
        )


def auto_attach_images(bot: Bot, tweets, *, rng) -> None:
    """Give each new draft one gallery image with the bot's chance, least used first
    (rows written: TweetImage)."""
    if not bot.auto_image_percent:
        return
    images = list(bot.images.in_gallery().with_used_count().order_by("used_count", "pk"))
    if not images:
        return
    for tweet in tweets:
        if rng.random() * 100 >= bot.auto_image_percent:
            continue
        image = min(images, key=lambda candidate: candidate.used_count)
        TweetImage.objects.create(tweet=tweet, image=image, position=0)
        image.used_count += 1
