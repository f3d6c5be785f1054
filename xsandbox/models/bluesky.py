"""The Bluesky sandbox's world: a PDS of its own."""

import secrets

from django.db import models
from django.urls import reverse

from xsandbox.models.faults import FaultyAccount, RateWindowCount

# --- Bluesky ---


def _did() -> str:
    # did:plc identifiers are 24 characters of base32 after the method.
    return "did:plc:" + "".join(
        secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(24)
    )


class BlueskyAccount(FaultyAccount):
    """One sandbox Bluesky account on the sandbox's PDS: its DID and handle, an app password
    (hashed, as a PDS keeps it), its profile record, and the same faults as an X account."""

    did = models.CharField(max_length=64, unique=True, default=_did)
    handle = models.CharField(max_length=253, unique=True)
    display_name = models.CharField(max_length=64, blank=True)
    app_password_hash = models.CharField(max_length=128, editable=False)
    # The app.bsky.actor.profile record ("self"), self-labels included, and its CID.
    profile = models.JSONField(default=dict, blank=True)
    profile_cid = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Follows @ap.brid.gy: its posts are bridged to the fediverse (xsandbox.bridge).
    bridged = models.BooleanField(default=False)
    # For Bridgy Fed's account user.instance.ap.brid.gy: the Mastodon account it stands for.
    bridge_of = models.OneToOneField(
        "xsandbox.MastodonAccount",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bluesky_mirror",
    )

    class Meta:
        ordering = ["handle"]

    def __str__(self):
        return f"@{self.handle}"

    def get_absolute_url(self):
        return reverse("xsandbox:bluesky_profile", args=[self.handle])

    @property
    def labels(self) -> list[str]:
        return [label.get("val") for label in (self.profile.get("labels") or {}).get("values", [])]


class BlueskySession(models.Model):
    """A session createSession or refreshSession began: the refresh token names it (jti), and
    is spent when refreshed (the new session replaces it) or revoked."""

    account = models.ForeignKey(BlueskyAccount, on_delete=models.CASCADE, related_name="sessions")
    jti = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # True when this session began with the app password (createSession's limit counts it).
    signed_in = models.BooleanField(default=False)
    spent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Session of {self.account} from {self.created_at:%Y-%m-%d %H:%M}"


class BlueskyBlob(models.Model):
    account = models.ForeignKey(BlueskyAccount, on_delete=models.CASCADE, related_name="blobs")
    cid = models.CharField(max_length=80)
    mime_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "cid"], name="unique_bluesky_blob")
        ]

    def __str__(self):
        return self.cid


class BlueskyRecord(models.Model):
    """A record in an account's repo: posts (app.bsky.feed.post) at their rkey."""

    account = models.ForeignKey(BlueskyAccount, on_delete=models.CASCADE, related_name="records")
    collection = models.CharField(max_length=100)
    rkey = models.CharField(max_length=512)
    cid = models.CharField(max_length=80)
    value = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "collection", "rkey"], name="unique_bluesky_record"
            )
        ]

    def __str__(self):
        return self.uri

    @property
    def uri(self) -> str:
        return f"at://{self.account.did}/{self.collection}/{self.rkey}"


class BlueskyNotification(models.Model):
    """A mention or reply to show in listNotifications: what `author`'s record did to
    `recipient`."""

    recipient = models.ForeignKey(
        BlueskyAccount, on_delete=models.CASCADE, related_name="notifications"
    )
    record = models.ForeignKey(BlueskyRecord, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.reason} of {self.recipient} by {self.record}"


class BlueskyRateWindow(RateWindowCount):
    """Requests of one account in one 5-minute window (or createSession's: `endpoint`)."""

    account = models.ForeignKey(BlueskyAccount, on_delete=models.CASCADE)
    endpoint = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "endpoint", "window_start"], name="unique_bluesky_rate_window"
            )
        ]

    def __str__(self):
        return f"{self.account} {self.endpoint} from {self.window_start}: {self.count}"
