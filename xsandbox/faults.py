"""Faults injected per account, as set in the admin or by `manage.py sandbox_faults`: added
latency, a usage cap, no credit, a burst of 429s, a share of 503s, and accept-then-stall.

Counters live on the account row and are spent by conditional UPDATEs, so concurrent server
processes share them and a test knows exactly which request fails. Each network's sandbox
passes its own `answers` (a module with too_many_requests, service_unavailable, and for X
usage_capped and credits_depleted), and its own account model with these fields."""

import time

from django.conf import settings
from django.db.models import F

from xsandbox import problems
from xsandbox.models import Account

# Floating point sums of 0.1 fall a hair short of 1.
WHOLE = 1 - 1e-9


def injected_fault(account: Account, *, write: bool, answers=problems):
    """The answer a fault dictates for this request, or None to answer normally. `account`
    is any network's sandbox account with the fault fields (an X Account, a BlueskyAccount),
    and `answers` the module that words its network's errors (xsandbox.problems for X)."""
    if account.latency_ms:
        time.sleep(account.latency_ms / 1000)
    if getattr(account, "usage_capped", False):
        return answers.usage_capped()
    if getattr(account, "credits_exhausted", False):
        return answers.credits_depleted()
    if not write:
        return None
    mine = type(account).objects.filter(pk=account.pk)
    if mine.filter(rate_limit_burst__gt=0).update(rate_limit_burst=F("rate_limit_burst") - 1):
        return answers.rate_limit_burst(int(time.time()) + settings.XSANDBOX_BURST_RESET_SECONDS)
    if account.error_rate:
        mine.update(error_debt=F("error_debt") + account.error_rate)
        if mine.filter(error_debt__gte=WHOLE).update(error_debt=F("error_debt") - 1):
            return answers.service_unavailable()
    return None


def stall_if_asked(account: Account) -> None:
    """Accept then stall: the post is stored, and the answer comes too late for any client."""
    if (
        type(account)
        .objects.filter(pk=account.pk, stall_next__gt=0)
        .update(stall_next=F("stall_next") - 1)
    ):
        time.sleep(settings.XSANDBOX_STALL_SECONDS)
