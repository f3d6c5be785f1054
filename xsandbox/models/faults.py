"""The faults every sandbox account can be given (xsandbox.faults injects them), one
definition for the three networks' accounts."""

import time

from django.db import models, transaction


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

    @classmethod
    def count_request(cls, seconds: int, *, on_the_clock: bool, account, **key):
        """Count one request in the account's window open now, and return that window.

        X's and Bluesky's windows open with the first request after the last one closed;
        Mastodon's (Rack::Attack) open on the clock, at each multiple of `seconds`. The
        account's row is locked while its window is counted (SQLite's IMMEDIATE transactions
        take the lock on their own), so every server process counts each request once."""
        now = int(time.time())
        start = now - now % seconds if on_the_clock else now
        with transaction.atomic():
            type(account).objects.select_for_update().filter(pk=account.pk).values("pk").get()
            windows = cls.objects.filter(account=account, **key)
            if on_the_clock:
                windows = windows.filter(window_start=start)
            else:
                windows = windows.filter(window_start__gt=now - seconds)
            window = windows.order_by("window_start").last()
            if window is None:
                return cls.objects.create(account=account, window_start=start, count=1, **key)
            window.count += 1
            window.save(update_fields=["count"])
            return window
