"""Credential health: which bots are due a scheduled check of their credentials, spread so
that a large flock is checked a slice at a time over CREDENTIAL_CHECK_HOURS, not all at once."""

import datetime
import math

from django.conf import settings
from django.db.models import F, Q

from bots.models import Bot


def bots_due_a_check(now: datetime.datetime) -> list[int]:
    """Ids of the bots whose credentials are due a check at this tick, oldest check first.

    Each tick takes at most the share of the flock that one tick's part of the period holds
    (all bots / ticks per period, rounded up), so checks spread over the period; bots never
    checked come first. Bots without credentials have nothing to check.
    """
    period = datetime.timedelta(hours=settings.CREDENTIAL_CHECK_HOURS)
    ticks = max(1, period.total_seconds() / settings.CREDENTIAL_CHECK_TICK_SECONDS)
    with_credentials = Bot.objects.with_credentials()
    per_tick = math.ceil(with_credentials.count() / ticks)
    due = with_credentials.filter(
        Q(credentials_checked_at__isnull=True) | Q(credentials_checked_at__lte=now - period)
    )
    ordered = due.order_by(F("credentials_checked_at").asc(nulls_first=True), "pk")
    return list(ordered.values_list("pk", flat=True)[:per_tick])
