"""What a bot listens for (Listener), and the flock's do-not-reply list (DoNotReply)."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from bots.models.bot import Bot
from platforms import (
    rules_for,
)


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
    # Besides "stop", words that put a mention's author on the do-not-reply list.
    stop_words = models.JSONField(default=list, blank=True)
    # Who confirmed X's reply rule, so autopilot replies on X go out (replies_on_autopilot).
    autopilot_confirmed_at = models.DateTimeField(null=True, blank=True)
    autopilot_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The newest mention read, so the next read asks X only for newer ones.
    since_id = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # A 429 from X: no reading before this time.
    paused_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return f"Listener of {self.bot.name}"

    def needs_autopilot_confirmation(self) -> bool:
        """On a network that allows replies only when summoned (X), until the owner confirms
        the rule, autopilot replies are written for review."""
        return rules_for(self.bot).replies_only_when_summoned and not self.autopilot_confirmed_at

    def replies_on_autopilot(self) -> bool:
        auto = self.reply_mode == Bot.PostingMode.AUTOPILOT
        return auto and not self.needs_autopilot_confirmation()


class DoNotReply(models.Model):
    """An account that asked the flock to stop: no bot on its network replies to it or
    mentions it again (bots.do_not_reply). One row per network and account."""

    network = models.CharField(max_length=20)
    account_id = models.CharField(max_length=200, blank=True)
    # As the network writes it (X's screen name, Mastodon's user@instance, a Bluesky domain).
    handle = models.CharField(max_length=253)
    reason = models.TextField(blank=True)
    # The bot whose mention said stop; none when a person added the account.
    heard_by = models.ForeignKey(Bot, models.SET_NULL, null=True, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handle"]
        verbose_name = "do-not-reply entry"
        constraints = [
            models.UniqueConstraint(
                "network", "account_id", name="one_per_account", condition=~models.Q(account_id="")
            ),
            models.UniqueConstraint(Lower("handle"), "network", name="one_per_handle"),
        ]

    def __str__(self):
        return f"@{self.handle} on {self.network}"
