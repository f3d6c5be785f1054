"""The Mastodon sandbox's world: an instance of its own."""

import hashlib

from django.db import models
from django.urls import reverse

from platforms import encryption
from xsandbox.models.faults import FaultyAccount, RateWindowCount
from xsandbox.models.x import _encrypted_token, _token

# --- Mastodon ---
# An instance of its own: accounts, the apps registered on it and their OAuth codes and
# tokens, statuses (with the Idempotency-Key each was posted under), media and notifications.
# Ids are large numbers sent as strings, growing with time, as Mastodon's are.

MASTODON_ID_OFFSET = 113_000_000_000_000_000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MastodonAccount(FaultyAccount):
    """One account on the Mastodon sandbox, with the faults xsandbox.faults injects. A remote
    account has a `domain`: the sandbox knows only Bridgy Fed's (xsandbox.bridge), whose
    usernames are Bluesky handles, dots and all, so they never meet a local one."""

    username = models.CharField(max_length=253, unique=True)
    domain = models.CharField(max_length=253, blank=True, help_text="Empty for a local account.")
    # Follows @bsky.brid.gy@bsky.brid.gy: its statuses are bridged to Bluesky.
    bridged = models.BooleanField(default=False)
    # For Bridgy Fed's remote account: the Bluesky sandbox account it stands for.
    bridge_of = models.OneToOneField(
        "xsandbox.BlueskyAccount",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fediverse_mirror",
    )
    display_name = models.CharField(max_length=50, blank=True)
    bot = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    stall_next = models.PositiveIntegerField(
        default=0, help_text="The next N statuses are stored, then the answer never comes."
    )

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return f"@{self.acct}"

    def get_absolute_url(self):
        return reverse("xsandbox:mastodon:account", args=[self.acct])

    @property
    def account_id(self) -> str:
        return str(MASTODON_ID_OFFSET + self.pk)

    @property
    def acct(self) -> str:
        """The address the instance shows: user, or user@domain for a remote account."""
        return f"{self.username}@{self.domain}" if self.domain else self.username

    @property
    def is_local(self) -> bool:
        return not self.domain


class MastodonApp(models.Model):
    """An app registered by POST /api/v1/apps: its client id and secret, its redirect URIs."""

    name = models.CharField(max_length=100)
    website = models.URLField(blank=True)
    redirect_uris = models.JSONField(default=list)
    scopes = models.CharField(max_length=200, default="read")
    client_id = models.CharField(max_length=64, unique=True, default=_token)
    encrypted_client_secret = models.TextField(default=_encrypted_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    @property
    def client_secret(self) -> str:
        return encryption.decrypt(self.encrypted_client_secret)


class MastodonAuthorization(models.Model):
    """An authorization code a person granted on /oauth/authorize, exchanged once."""

    app = models.ForeignKey(MastodonApp, on_delete=models.CASCADE)
    account = models.ForeignKey(MastodonAccount, on_delete=models.CASCADE)
    code = models.CharField(max_length=64, unique=True, default=_token)
    redirect_uri = models.TextField()
    scopes = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Code for {self.account} on {self.app}"


class MastodonToken(models.Model):
    """An access token, kept only as its SHA-256 digest (a bearer token is its own secret)."""

    app = models.ForeignKey(MastodonApp, null=True, blank=True, on_delete=models.CASCADE)
    account = models.ForeignKey(MastodonAccount, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Token of {self.account}"

    @classmethod
    def issue(cls, *, account, app=None, scopes="read write") -> tuple["MastodonToken", str]:
        """A new token for the account; returns the row and the token itself (shown once)."""
        token = _token(43)
        return cls.objects.create(
            app=app, account=account, digest=_digest(token), scopes=scopes
        ), token

    @classmethod
    def find(cls, token: str):
        return cls.objects.select_related("account").filter(digest=_digest(token)).first()


class MastodonMedia(models.Model):
    account = models.ForeignKey(MastodonAccount, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="xsandbox/mastodon/")
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Processing ends here; until then the API answers 202 (206 on GET) with no url.
    ready_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "Mastodon media"

    def __str__(self):
        return f"Media {self.media_id} of {self.account}"

    @property
    def media_id(self) -> str:
        return str(MASTODON_ID_OFFSET + self.pk)


class MastodonStatus(models.Model):
    account = models.ForeignKey(MastodonAccount, on_delete=models.CASCADE, related_name="statuses")
    text = models.TextField()
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    media = models.ManyToManyField(MastodonMedia, blank=True)
    mentioned = models.ManyToManyField(MastodonAccount, blank=True, related_name="mentions")
    # The Idempotency-Key it was posted under: the same key within an hour gets it back.
    idempotency_key = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "Mastodon statuses"

    def __str__(self):
        return f"{self.account}: {self.text[:50]}"

    def get_absolute_url(self):
        return reverse("xsandbox:mastodon:status", args=[self.account.acct, self.status_id])

    @property
    def status_id(self) -> str:
        return str(MASTODON_ID_OFFSET + self.pk)


class MastodonNotification(models.Model):
    """A mention of `account` in `status` (the only kind of notification Aviary reads)."""

    account = models.ForeignKey(MastodonAccount, on_delete=models.CASCADE)
    status = models.ForeignKey(MastodonStatus, on_delete=models.CASCADE)
    type = models.CharField(max_length=20, default="mention")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.type} of {self.account} in {self.status_id}"

    @property
    def notification_id(self) -> str:
        return str(MASTODON_ID_OFFSET + self.pk)


class MastodonRateWindow(RateWindowCount):
    """An account's API calls in one 5-minute window (Mastodon: 300 per 5 minutes)."""

    account = models.ForeignKey(MastodonAccount, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "window_start"], name="unique_mastodon_rate_window"
            )
        ]

    def __str__(self):
        return f"{self.account} from {self.window_start}: {self.count}"
