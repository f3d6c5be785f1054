"""Mastodon's rate limit: 300 calls per account in each 5-minute window, with its headers,
counted in the database so every server process agrees."""

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from xsandbox.mastodon.errors import reset_header
from xsandbox.models import MastodonAccount, MastodonRateWindow

WINDOW_SECONDS = 5 * 60
LIMIT = 300


def count_request(account: MastodonAccount) -> tuple[int, int, int, bool]:
    """Count one call; returns (limit, remaining, reset as Unix seconds, over the limit)."""
    now = int(time.time())
    start = now - now % WINDOW_SECONDS
    for _ in range(3):
        try:
            with transaction.atomic():
                window, _ = MastodonRateWindow.objects.get_or_create(
                    account=account, window_start=start
                )
                MastodonRateWindow.objects.filter(pk=window.pk).update(count=F("count") + 1)
                window.refresh_from_db()
            break
        except IntegrityError:
            continue
    return LIMIT, max(LIMIT - window.count, 0), start + WINDOW_SECONDS, window.count > LIMIT


def with_rate_headers(response, limit: int, remaining: int, reset: int):
    response["X-RateLimit-Limit"] = str(limit)
    response["X-RateLimit-Remaining"] = str(remaining)
    response["X-RateLimit-Reset"] = reset_header(reset)
    return response
