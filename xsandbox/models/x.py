"""The X sandbox's world: X accounts with their app credentials and injected faults, their
posts, media and mentions, the X apps accounts are connected to by 3-legged OAuth, and what
OAuth and rate limiting need to remember."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from platforms import encryption
from xsandbox.models.faults import FaultyAccount, RateWindowCount

# Sandbox ids look like X's: large numbers, sent as strings.
POST_ID_OFFSET = 1_860_000_000_000_000_000
MEDIA_ID_OFFSET = 1_860_000_000_500_000_000
USER_ID_OFFSET = 1_860_000_000_000_000


MAX_PK = 2**63 - 1
# The callback of the PIN flow: the verifier is shown to the person instead of sent.
OUT_OF_BAND = "oob"


def pk_from(public_id, offset: int) -> int | None:
    """The row id behind a public id, or None when it cannot be one of ours."""
    text = str(public_id)
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    pk = int(text) - offset
    return pk if 0 < pk <= MAX_PK else None


def _token(length=40) -> str:
    return secrets.token_urlsafe(length)[:length].replace("-", "x").replace("_", "y")


def _encrypted_token() -> str:
    return encryption.encrypt(_token())


def _access_token() -> str:
    # X's access tokens start with the user's numeric id; ours need only look the part.
    return f"{secrets.randbelow(10**18)}-{_token(40)}"


def request_token_lifetime() -> timedelta:
    """How long a request token may be authorized and exchanged (X: about 15 minutes)."""
    return timedelta(seconds=getattr(settings, "XSANDBOX_REQUEST_TOKEN_SECONDS", 900))


class AccountQuerySet(models.QuerySet):
    def with_user_ids(self, user_ids: set[str] | None):
        """The accounts behind these public user ids; None means every account."""
        if user_ids is None:
            return self
        pks = {pk_from(user_id, USER_ID_OFFSET) for user_id in user_ids} - {None}
        return self.filter(pk__in=pks)


class Account(FaultyAccount):
    """One sandbox X account, with the app credentials a bot uses to speak as it."""

    handle = models.CharField(max_length=15, unique=True)
    name = models.CharField(max_length=50, blank=True)
    # The profile's bio, as GET /2/users/me gives it with user.fields=description.
    description = models.CharField("bio", max_length=160, blank=True)
    # The key and token name the account in every request's header, so they are looked up as
    # they are; the two secrets sign requests (the HMAC keys), so they are kept encrypted
    # under CREDENTIALS_KEYS (platforms.encryption) and never shown on a page.
    consumer_key = models.CharField(max_length=64, unique=True, default=_token)
    encrypted_consumer_secret = models.TextField(default=_encrypted_token, editable=False)
    access_token = models.CharField(max_length=80, unique=True, default=_access_token)
    encrypted_access_token_secret = models.TextField(default=_encrypted_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # X's burst counts every request, reads too; and X has two faults of its own.
    rate_limit_burst = models.PositiveIntegerField(
        default=0, help_text="The next N requests are answered 429."
    )
    credits_exhausted = models.BooleanField(
        default=False, help_text="Answer every request with 402, credits depleted."
    )
    usage_capped = models.BooleanField(
        default=False, help_text="Answer every request with 429, usage cap exceeded."
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["handle"]

    def __str__(self):
        return f"@{self.handle}"

    def get_absolute_url(self):
        return reverse("xsandbox:account", args=[self.handle])

    @property
    def user_id(self) -> str:
        return str(USER_ID_OFFSET + self.pk)

    @property
    def consumer_secret(self) -> str:
        return encryption.decrypt(self.encrypted_consumer_secret)

    @property
    def access_token_secret(self) -> str:
        return encryption.decrypt(self.encrypted_access_token_secret)


class Media(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="xsandbox/media/")
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    alt_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "media"

    def __str__(self):
        return f"Media {self.media_id} of @{self.account.handle}"

    @property
    def media_id(self) -> str:
        return str(MEDIA_ID_OFFSET + self.pk)

    @property
    def media_key(self) -> str:
        return f"3_{self.media_id}"


class Post(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField()
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    conversation_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    media = models.ManyToManyField(Media, blank=True)
    mentioned = models.ManyToManyField(Account, blank=True, related_name="mentions")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    deleted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"@{self.account.handle}: {self.text[:50]}"

    def get_absolute_url(self):
        return reverse("xsandbox:post", args=[self.post_id])

    @property
    def post_id(self) -> str:
        return str(POST_ID_OFFSET + self.pk)

    @property
    def conversation_id(self) -> str:
        return self.conversation_root.post_id if self.conversation_root_id else self.post_id


class Nonce(models.Model):
    """OAuth nonces seen within the timestamp window: a replayed request is refused."""

    consumer_key = models.CharField(max_length=64)
    nonce = models.CharField(max_length=100)
    timestamp = models.PositiveBigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer_key", "nonce", "timestamp"], name="unique_oauth_nonce"
            )
        ]

    def __str__(self):
        return f"Nonce {self.nonce} at {self.timestamp}"


class RateWindow(RateWindowCount):
    """Requests made by an account to one endpoint in one 15-minute window."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE)
    endpoint = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "endpoint", "window_start"], name="unique_rate_window"
            )
        ]

    def __str__(self):
        return f"{self.account} {self.endpoint} from {self.window_start}: {self.count}"


class App(models.Model):
    """An X developer app: one consumer key and secret that many accounts connect to by
    3-legged OAuth (each connection a Grant)."""

    name = models.CharField(max_length=80)
    consumer_key = models.CharField(max_length=64, unique=True, default=_token)
    # Signs every request the app makes (an HMAC key): encrypted like an Account's secrets.
    encrypted_consumer_secret = models.TextField(default=_encrypted_token, editable=False)
    # The callback URLs registered in the app's settings; empty accepts any callback.
    callback_urls = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def consumer_secret(self) -> str:
        return encryption.decrypt(self.encrypted_consumer_secret)


class RequestTokenQuerySet(models.QuerySet):
    def usable(self, now):
        """Tokens still in their lifetime, neither denied nor exchanged yet."""
        return self.filter(
            created_at__gt=now - request_token_lifetime(), denied=False, used_at__isnull=True
        )

    def pending(self, now):
        """Usable tokens no person has approved or denied yet: the authorize page's."""
        return self.usable(now).filter(account__isnull=True)

    def authorized(self, now):
        """Usable tokens a person approved: the ones oauth/access_token exchanges."""
        return self.usable(now).filter(account__isnull=False)

    def stale(self, now):
        """Tokens past twice their lifetime: nothing will ever ask for them again."""
        return self.filter(created_at__lt=now - 2 * request_token_lifetime())


class RequestToken(models.Model):
    """OAuth's temporary credentials: asked for by an app, approved or denied by a person on
    the authorize page, then exchanged once for the account's access token."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="request_tokens")
    token = models.CharField(max_length=64, unique=True, default=_token)
    encrypted_secret = models.TextField(default=_encrypted_token, editable=False)
    # A URL, or "oob" for the PIN flow.
    callback = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    verifier = models.CharField(max_length=40, blank=True, editable=False)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    denied = models.BooleanField(default=False)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = RequestTokenQuerySet.as_manager()

    def __str__(self):
        return f"Request token of {self.app} from {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def secret(self) -> str:
        return encryption.decrypt(self.encrypted_secret)

    @property
    def is_out_of_band(self) -> bool:
        return self.callback == OUT_OF_BAND


class Grant(models.Model):
    """An account connected to an app: the access token the app speaks as it with. OAuth 1.0a
    tokens do not expire, and authorizing the same app again gives the same token back."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="grants")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="grants")
    access_token = models.CharField(max_length=80, unique=True, default=_access_token)
    encrypted_access_token_secret = models.TextField(default=_encrypted_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app", "account"], name="unique_grant_per_app")
        ]

    def __str__(self):
        return f"{self.account} connected to {self.app}"

    @property
    def access_token_secret(self) -> str:
        return encryption.decrypt(self.encrypted_access_token_secret)


READ_CALLS = ["post_read", "user_read", "owned_read"]


class BillItem(models.Model):
    """One charge on the sandbox's own bill, as X bills: a post, a reply, alt text, or one
    resource a read returned. A payer (the app whose key signed the request) is charged for
    a resource once per UTC day, however often it reads it (the unique read constraint)."""

    payer = models.CharField(max_length=32)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="bill_items")
    day = models.DateField()
    call = models.CharField(max_length=20)
    resource = models.CharField(max_length=48)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["day", "call"], name="bill_item_day_call")]
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "day", "resource"],
                condition=models.Q(call__in=READ_CALLS),
                name="one_read_charge_per_day",
            )
        ]

    def __str__(self):
        return f"{self.call} {self.resource} for @{self.account.handle}: ${self.cost_usd}"
