"""A bot's gallery of images (BotImage)."""

from django.db import models

from bots.models.bot import Bot
from platforms.x.rules import MAX_ALT_TEXT


def gallery_path(image, filename):
    # Generated names only: the uploader's file name never reaches a path.
    return f"gallery/{image.bot_id}/{image.sha256[:2]}/{image.sha256}.{image.format.lower()}"


def thumbnail_path(image, filename):
    extension = filename.rsplit(".", 1)[-1]
    return f"gallery/{image.bot_id}/{image.sha256[:2]}/{image.sha256}.thumb.{extension}"


class BotImageQuerySet(models.QuerySet):
    def in_gallery(self):
        """Images still shown in the gallery (removed ones stay only for posted tweets)."""
        return self.filter(removed_at__isnull=True)

    def with_used_count(self):
        return self.annotate(used_count=models.Count("tweetimage"))


class BotImage(models.Model):
    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=gallery_path, width_field="width", height_field="height")
    format = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.TextField(max_length=MAX_ALT_TEXT, blank=True)
    thumbnail = models.ImageField(upload_to=thumbnail_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = BotImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "sha256"], name="unique_image_per_bot")
        ]

    def __str__(self):
        return f"Image {self.sha256[:10]} of {self.bot.name}"
