"""The Bot: an account on X, Mastodon or Bluesky that Aviary speaks for, with its
encrypted credentials and its settings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from bots import credentials as crypto
from bots.credentials import CREDENTIAL_NAMES, Credentials
from bots.models.ledger import budget_field
from platforms import (
    PLATFORMS,
    credential_names,
    handle_error,
    network_of,
    platforms_on,
)
from platforms.x.handles import HANDLE_PATTERN, HANDLE_RULE

# The person who runs an X bot names their own X account.
x_handle_validator = RegexValidator(HANDLE_PATTERN, HANDLE_RULE)

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

    class LinkPolicy(models.TextChoices):
        KEEP = "keep", "Keep links"
        STRIP = "strip", "Strip links"
        REPLY = "reply", "Move links into a reply to the post"

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
    monthly_budget_usd = budget_field(
        "Most to spend on X in a calendar month (UTC): posts, replies, alt text and reads; "
        "blank for no budget."
    )
    # Why a budget stopped reads (listening, reconciling, checks): bots.spend.hold_reads.
    read_hold = models.TextField(blank=True, editable=False)
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
    # Generated text that cannot spam (tweets.generation, tweets.safe_text).
    clean_generated_text = models.BooleanField(
        "neutralise @handles and drop links in generated text", default=True
    )
    blocked_words = models.JSONField(default=list, blank=True)
    link_policy = models.CharField(
        "links in posts", max_length=10, choices=LinkPolicy, default=LinkPolicy.KEEP
    )
    # X's automated-account checklist (bots.checklist): the label a person confirmed set,
    # the bio as GET /2/users/me last gave it, the human account that runs the bot.
    automated_label_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    automated_label_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    bio = models.TextField(blank=True, editable=False)
    operator_handle = models.CharField(
        "operator's account", max_length=15, blank=True, validators=[x_handle_validator]
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

    def posting_hold(self) -> str:
        """Why nothing this bot has queued goes out, and what to do about it, or "" when it
        may post (can_post, said to a person)."""
        if self.attention_reason:
            return "Needs reconnecting: queued tweets wait until you reconnect it."
        if self.out_of_credit_reason:
            return "Out of X credit: queued tweets wait until you top up and resume posting."
        if not self.is_active:
            return "Paused: queued tweets wait until you resume it."
        if not self.has_credentials():
            return "No credentials: connect it to post."
        return ""

    def reviews_first(self) -> bool:
        return self.posting_mode == self.PostingMode.REVIEW

    def is_sandbox(self) -> bool:
        return PLATFORMS[self.platform].is_sandbox

    @property
    def network(self) -> str:
        return network_of(self.platform)
