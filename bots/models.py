"""Bots: an account on X, Mastodon or Bluesky that Aviary speaks for, its encrypted
credentials and its image gallery; the site's developer apps that bots connect through,
and the sign-ins that connect them."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from bots import credentials as crypto
from bots.credentials import CREDENTIAL_NAMES, Credentials
from platforms import PLATFORMS, credential_names, handle_error, platforms_on
from platforms.x.rules import MAX_ALT_TEXT

MAX_DRAFT_AGE_HOURS = 24 * 365


class BotQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(owners=user)

    def on_network(self, network: str):
        """Bots on `network` ("x"), its sandbox included (platforms.network_of)."""
        return self.filter(platform__in=platforms_on(network))

    def with_credentials(self):
        """Bots with every credential their platform needs stored (Bot.has_credentials)."""
        stored = models.Q(pk__in=[])
        for platform in PLATFORMS:
            on_platform = models.Q(platform=platform)
            for name in credential_names(platform):
                on_platform &= ~models.Q(**{f"encrypted_{name}": ""})
            stored |= on_platform
        return self.filter(stored)

    def may_post(self):
        """Bots that may post and act on their own (Bot.can_post)."""
        return self.with_credentials().filter(
            is_active=True, attention_reason="", out_of_credit_reason=""
        )


class Bot(models.Model):
    class Platform(models.TextChoices):
        # Each is an entry of platforms.PLATFORMS.
        X = "x", "X"
        SANDBOX = "sandbox", "X sandbox"
        MASTODON = "mastodon", "Mastodon"
        MASTODON_SANDBOX = "mastodon_sandbox", "Mastodon sandbox"
        BLUESKY = "bluesky", "Bluesky"
        BLUESKY_SANDBOX = "bluesky_sandbox", "Bluesky sandbox"

    class PostingMode(models.TextChoices):
        REVIEW = "review", "Review first"
        AUTOPILOT = "autopilot", "Autopilot"

    name = models.CharField(max_length=80, unique=True)
    # As the network writes it: X's screen name, Mastodon's user@instance, Bluesky's domain
    # handle; each platform's rule is checked in clean().
    handle = models.CharField(max_length=253)
    platform = models.CharField(max_length=20, choices=Platform, default=Platform.SANDBOX)
    # The Mastodon instance or Bluesky PDS the account lives on; blank where the platform's
    # settings name the one server (X and the sandboxes).
    server_url = models.URLField(
        "server", max_length=200, blank=True, help_text="e.g. https://mastodon.social"
    )
    # Fernet tokens only: the plaintext never reaches a column (bots.credentials).
    encrypted_consumer_key = models.TextField(blank=True, editable=False)
    encrypted_consumer_secret = models.TextField(blank=True, editable=False)
    encrypted_access_token = models.TextField(blank=True, editable=False)
    encrypted_access_token_secret = models.TextField(blank=True, editable=False)
    encrypted_app_password = models.TextField(blank=True, editable=False)
    # A network session kept between posts (Bluesky's JWTs, so posting never signs in
    # again), encrypted like the credentials; the platform's client reads and renews it.
    encrypted_session = models.TextField(blank=True, editable=False)
    # The account's id on its network: X's user id, Mastodon's account id, Bluesky's DID.
    x_user_id = models.CharField("account id", max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    attention_reason = models.TextField(
        blank=True, help_text="Why this bot needs a person (e.g. credentials refused)."
    )
    # Credential health (bots.services.verify_bot): the last check and what it last said,
    # a temporary error included; only a refusal sets attention_reason.
    credentials_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    credentials_error = models.TextField(blank=True, editable=False)
    # X answered 402 (credit depleted): posting waits until a person resumes it.
    out_of_credit_reason = models.TextField(blank=True, editable=False)
    # Why the claim last held the queue (daily cap or monthly budget), so the hold is
    # recorded in the activity log once, not on every sweep.
    budget_hold = models.TextField(blank=True, editable=False)
    monthly_budget_usd = models.DecimalField(
        "monthly budget (USD)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Most to spend on posts in a calendar month; blank for no budget.",
    )
    draft_max_age_hours = models.PositiveIntegerField(
        "draft max age (hours)",
        null=True,
        blank=True,
        # A year at most: tweets.expiry counts back this far from now.
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DRAFT_AGE_HOURS)],
        help_text="Drafts not approved within this many hours (at most a year) expire; "
        "blank to keep them.",
    )
    # What X last reported in the x-user-limit-24hour-* headers of a post.
    x_daily_limit = models.PositiveIntegerField(null=True, blank=True, editable=False)
    x_daily_remaining = models.PositiveIntegerField(null=True, blank=True, editable=False)
    x_daily_reset_at = models.DateTimeField(null=True, blank=True, editable=False)
    posting_mode = models.CharField(max_length=10, choices=PostingMode, default=PostingMode.REVIEW)
    daily_post_cap = models.PositiveIntegerField(
        default=24, validators=[MinValueValidator(1)], help_text="Most posts in any 24 hours."
    )
    auto_image_percent = models.PositiveSmallIntegerField(
        "images on generated drafts (%)",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Share of generated drafts that get one gallery image, the least used first: "
        "0 never, 100 always.",
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="bots",
        blank=True,
        help_text="Users allowed to run this bot.",
    )
    # The developer app the bot was connected through (its consumer keys are copied onto the
    # bot, so the bot keeps posting if the app row goes).
    app = models.ForeignKey(
        "XApp", null=True, blank=True, on_delete=models.SET_NULL, related_name="bots"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BotQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (@{self.handle})"

    def get_absolute_url(self):
        return reverse("bots:detail", args=[self.pk])

    def clean(self):
        super().clean()
        known = self.handle and self.platform in PLATFORMS
        if known and (error := handle_error(self.platform, self.handle)):
            raise ValidationError({"handle": error})

    def credentials(self) -> Credentials:
        """Decrypt the stored credentials; raises CredentialsUnreadable, never returns garbage."""
        tokens = {name: getattr(self, f"encrypted_{name}") for name in CREDENTIAL_NAMES}
        return Credentials(
            **{name: crypto.decrypt(token) if token else "" for name, token in tokens.items()}
        )

    def set_credentials(self, **values: str) -> None:
        """Encrypt the given credentials onto the row (not saved); blank values keep the old."""
        for name, value in values.items():
            if name not in CREDENTIAL_NAMES:
                raise TypeError(f"Unknown credential {name!r}")
            if value:
                setattr(self, f"encrypted_{name}", crypto.encrypt(value))

    def network_session(self) -> str:
        """The network session kept for the bot (Bluesky's JWTs), decrypted, as stored now
        (read again: another worker may have renewed it); '' when there is none."""
        if self.pk is None:
            token = self.encrypted_session
        else:
            token = Bot.objects.filter(pk=self.pk).values_list("encrypted_session", flat=True)[0]
        return crypto.decrypt(token) if token else ""

    def keep_network_session(self, session: str) -> None:
        """Store a new or renewed network session, encrypted (one UPDATE; the client calls
        it when the network renews the session)."""
        self.encrypted_session = crypto.encrypt(session)
        if self.pk is not None:
            Bot.objects.filter(pk=self.pk).update(encrypted_session=self.encrypted_session)

    def credential_status(self) -> dict[str, bool]:
        return {name: bool(getattr(self, f"encrypted_{name}")) for name in CREDENTIAL_NAMES}

    def has_credentials(self) -> bool:
        """Every credential its platform needs stored (BotQuerySet.with_credentials)."""
        status = self.credential_status()
        return all(status[name] for name in credential_names(self.platform))

    def can_post(self) -> bool:
        """Active, credentials stored and not refused, credit not exhausted
        (BotQuerySet.may_post)."""
        return (
            self.is_active
            and not self.attention_reason
            and not self.out_of_credit_reason
            and self.has_credentials()
        )

    def reviews_first(self) -> bool:
        return self.posting_mode == self.PostingMode.REVIEW

    def is_sandbox(self) -> bool:
        return PLATFORMS[self.platform].is_sandbox


def default_weekdays():
    return list(range(7))


class Schedule(models.Model):
    """When a bot posts on its own: every N minutes, or at times of day on chosen weekdays,
    in the bot's time zone, with jitter and quiet hours. The row is the one truth of when
    the next slot runs (`next_run_at`); one beat task runs the rows that are due."""

    class Kind(models.TextChoices):
        INTERVAL = "interval", "Every N minutes"
        TIMES = "times", "At times of day"

    bot = models.OneToOneField(Bot, on_delete=models.CASCADE, related_name="schedule")
    enabled = models.BooleanField(default=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.INTERVAL)
    every_minutes = models.PositiveIntegerField(
        default=240, validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)]
    )
    # "HH:MM" strings in the bot's time zone, sorted.
    times_of_day = models.JSONField(default=list, blank=True)
    # Monday is 0, as in Python's datetime.weekday().
    weekdays = models.JSONField(default=default_weekdays, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    jitter_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(720)],
        help_text="Each slot happens up to this many minutes late, at random.",
    )
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # The nominal slot (jitter left out) that an interval counts from: the last slot run, or
    # when the schedule was saved.
    opened_at = models.DateTimeField(null=True, blank=True)
    # When the next slot runs, jitter included; None while the schedule is off.
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_run_at"],
                name="schedule_next_run",
                condition=models.Q(next_run_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"Schedule of {self.bot.name}"


class Listener(models.Model):
    """What a bot listens for in its mentions, and the limits that keep its replies from
    ever looping with another bot (autonomy.listening applies them)."""

    bot = models.OneToOneField(Bot, on_delete=models.CASCADE, related_name="listener")
    enabled = models.BooleanField(default=True)
    # Lower-case words; a mention containing one gets a reply seeded with it.
    keywords = models.JSONField(default=list)
    reply_mode = models.CharField(
        max_length=10, choices=Bot.PostingMode, default=Bot.PostingMode.REVIEW
    )
    max_replies_per_conversation = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    cooldown = models.DurationField(
        default=timedelta(minutes=15),
        help_text="At most one reply to the same account within this time.",
    )
    max_replies_per_hour = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # The newest mention read, so the next read asks X only for newer ones.
    since_id = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # A 429 from X: no reading before this time.
    paused_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return f"Listener of {self.bot.name}"


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


class BotGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(created_by=user)


class BotGroup(models.Model):
    """A named set of bots (a night shift, a client, a language): the dashboard, the review
    queue and the activity log filter by it, and it pauses, resumes or generates at once.
    Each person keeps their own groups; acting on one reaches only the bots they own."""

    name = models.CharField(max_length=80)
    bots = models.ManyToManyField(Bot, related_name="groups", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BotGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "name"], name="unique_group_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bots:group", args=[self.pk])


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
