"""The site's developer apps that bots connect through (XApp), and the sign-ins that
connect them (SignIn)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from bots import credentials as crypto
from bots.models.bot import Bot


class XAppQuerySet(models.QuerySet):
    def for_platform(self, platform: str):
        """The apps of one network, the default first."""
        return self.filter(platform=platform).order_by("-is_default", "name")


class XApp(models.Model):
    """One of the site's X developer apps: every bot account connected through it authorizes
    it in turn. The consumer key and secret are encrypted like a bot's and never shown."""

    name = models.CharField(max_length=80, unique=True)
    platform = models.CharField(max_length=20, choices=Bot.Platform, default=Bot.Platform.X)
    # The instance a Mastodon app is registered on (Aviary registers itself once per
    # instance); blank where the platform's settings name the one server.
    server_url = models.URLField("server", max_length=200, blank=True)
    encrypted_consumer_key = models.TextField(editable=False)
    encrypted_consumer_secret = models.TextField(editable=False)
    is_default = models.BooleanField(
        "default", default=False, help_text="The app new bots connect through."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = XAppQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "name"]
        verbose_name = "X app"
        constraints = [
            models.UniqueConstraint(
                fields=["platform"],
                condition=models.Q(is_default=True),
                name="one_default_app_per_platform",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bots:app", args=[self.pk])

    def consumer_credentials(self) -> tuple[str, str]:
        """The decrypted key and secret; raises CredentialsUnreadable, never returns garbage."""
        return (
            crypto.decrypt(self.encrypted_consumer_key),
            crypto.decrypt(self.encrypted_consumer_secret),
        )

    def set_consumer_credentials(self, *, key: str = "", secret: str = "") -> None:
        """Encrypt the given key and secret onto the row (not saved); blank keeps the old."""
        if key:
            self.encrypted_consumer_key = crypto.encrypt(key)
        if secret:
            self.encrypted_consumer_secret = crypto.encrypt(secret)


class SignInQuerySet(models.QuerySet):
    def pending(self, now):
        """Sign-ins not finished and not yet expired (SignIn.is_pending)."""
        return self.filter(finished_at__isnull=True, created_at__gt=now - SignIn.LIFETIME)


class SignIn(models.Model):
    """One person's sign-in at X that connects a new bot, or reconnects one: the request
    token X gave, its secret kept here (encrypted, never in a URL or a log) until X sends the
    person back with the verifier. Each is used once."""

    LIFETIME = timedelta(minutes=15)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    app = models.ForeignKey(XApp, on_delete=models.CASCADE, related_name="sign_ins")
    bot = models.ForeignKey(
        Bot, null=True, blank=True, on_delete=models.CASCADE, related_name="sign_ins"
    )
    request_token = models.CharField(max_length=200, unique=True)
    encrypted_request_secret = models.TextField(editable=False)
    uses_pin = models.BooleanField(default=False)
    authorize_url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SignInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        target = self.bot.name if self.bot_id else "a new bot"
        return f"Sign-in for {target} through {self.app}"

    def is_pending(self, now) -> bool:
        """Not finished and not expired (SignInQuerySet.pending)."""
        return self.finished_at is None and self.created_at > now - self.LIFETIME

    def request_secret(self) -> str:
        return crypto.decrypt(self.encrypted_request_secret)
