"""The sandbox's Bridgy Fed: which Mastodon status and which Bluesky post are one post on
either side of the bridge (xsandbox.bridge writes them)."""

from django.db import models

from xsandbox.models.bluesky import BlueskyRecord
from xsandbox.models.mastodon import MastodonStatus


class BridgedPost(models.Model):
    """A post and its copy across the bridge: `origin` says which side it was written on."""

    class Origin(models.TextChoices):
        MASTODON = "mastodon", "Mastodon"
        BLUESKY = "bluesky", "Bluesky"

    status = models.OneToOneField(MastodonStatus, on_delete=models.CASCADE, related_name="bridged")
    record = models.OneToOneField(BlueskyRecord, on_delete=models.CASCADE, related_name="bridged")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.status.status_id} ↔ {self.record.uri}"

    @property
    def uri(self) -> str:
        return self.record.uri

    @property
    def cid(self) -> str:
        return self.record.cid
