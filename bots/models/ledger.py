"""The rows of what the flock spends on X (bots.spend writes and sums them): each bot's
DailySpend by UTC day and kind, the ReadCharges that keep a read to one charge a day, and
the site's one SiteBudget; and the monthly budget field a bot, a group and the site share.
Models of the bots app, named by bots.models."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from platforms.base import Call


def budget_field(help_text: str) -> models.DecimalField:
    """A monthly budget in US dollars, optional (a bot's, a group's, the site's)."""
    return models.DecimalField(
        "monthly budget (USD)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


class DailySpend(models.Model):
    """What one bot's billable calls of one kind cost on one UTC day (X's billing day), kept
    as they are made (bots.spend), so a month's spend, by kind or in all, is a sum of at
    most a month's rows per kind."""

    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="daily_spend")
    day = models.DateField()
    call = models.CharField(max_length=20, choices=[(call.value, call.name) for call in Call])
    calls = models.PositiveIntegerField(default=0, help_text="Calls, or resources read.")
    cost_usd = models.DecimalField("cost (USD)", max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["-day", "bot_id", "call"]
        indexes = [
            models.Index(fields=["day"], name="daily_spend_day"),
            # The dashboard's chart of posts per day reads the index alone.
            models.Index(
                fields=["day", "call"], include=["bot", "calls"], name="daily_spend_day_calls"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["bot", "day", "call"], name="unique_spend_per_day")
        ]

    def __str__(self):
        return f"{self.bot_id} on {self.day}: {self.calls} {self.call}, ${self.cost_usd}"


class ReadCharge(models.Model):
    """A resource (post, user) a payer (an app) was charged for reading on a UTC day: read
    again that day, it costs nothing (X's rule). Older days are forgotten (bots.spend)."""

    payer = models.CharField(max_length=32)
    day = models.DateField()
    resource = models.CharField(max_length=48)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payer", "day", "resource"], name="one_read")
        ]

    def __str__(self):
        return f"{self.resource} read by {self.payer[:8]} on {self.day}"


class SiteBudget(models.Model):
    """The whole flock's monthly budget on X (one row, set by a superuser): beyond it every
    bot holds its posts and reads."""

    monthly_budget_usd = budget_field(
        "Most the whole site spends on X in a calendar month (UTC); blank for none."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Site budget: {self.monthly_budget_usd}"
