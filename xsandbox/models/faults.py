"""The faults every sandbox account can be given (xsandbox.faults injects them), one
definition for the three networks' accounts."""

from django.db import models


class FaultyAccount(models.Model):
    """Faults for the reliability tests and demos, set in the admin or by `sandbox_faults`."""

    latency_ms = models.PositiveIntegerField(default=0, help_text="Added to every answer.")
    error_rate = models.FloatField(default=0.0, help_text="Share of writes answered 503 (0-1).")
    # The error rate accrues here, one share per write; each whole unit is one 503. So 0.3
    # fails exactly 3 writes in 10, the same ones every run.
    error_debt = models.FloatField(default=0.0, editable=False)
    rate_limit_burst = models.PositiveIntegerField(
        default=0, help_text="The next N writes are answered 429."
    )
    stall_next = models.PositiveIntegerField(
        default=0, help_text="The next N posts are stored, then the answer never comes."
    )

    class Meta:
        abstract = True


class RateWindowCount(models.Model):
    """Requests in one window of a network's rate limit: its start (epoch seconds) and count.
    Each network's window names the account (and the endpoint, where it counts by one)."""

    window_start = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
