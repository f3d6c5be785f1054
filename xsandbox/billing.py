"""The sandbox's own bill, kept as X keeps one: each billable call it answered, priced at the
SANDBOX_PRICE_* settings (platforms.rules_of("sandbox")), a resource read twice in a UTC day
by the same app charged once; its usage served as X's GET /2/usage/tweets, and its total in
dollars by kind (`manage.py sandbox_bill`)."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from platforms import rules_of
from platforms.base import READS, Call
from platforms.x.client import payer_of
from xsandbox.models import READ_CALLS, Account, BillItem


def bill(
    request, account: Account, call: Call, resources: list[str], *, owned: list[str] = ()
) -> None:
    """Charge the app that signed `request` for `call` on `resources` (rows written:
    BillItem, a read's resources charged already today skipped); `owned` resources of a
    read are charged as owned reads (the app's owner reading its own user and posts)."""
    payer = payer_of(request.sandbox_consumer_key)
    day = timezone.now().astimezone(datetime.UTC).date()
    rules = rules_of("sandbox")
    items = []
    for resource in resources:
        kind = Call.OWNED_READ if call in READS and resource in owned else call
        items.append(
            BillItem(
                payer=payer,
                account=account,
                day=day,
                call=kind,
                resource=resource,
                cost_usd=rules.price(kind),
            )
        )
    # A read already charged today meets the unique read constraint and is left out.
    BillItem.objects.bulk_create(items, ignore_conflicts=True)


def read_resources(request, account: Account, *, posts=(), users=()) -> None:
    """Charge a read that returned `posts` and `users` (sandbox rows): post and user reads,
    or owned reads of the account's own when it signed with its own app's key."""
    owner = request.sandbox_owner
    post_ids = [f"post:{post.post_id}" for post in posts]
    user_ids = [f"user:{user.user_id}" for user in users]
    owned = {f"post:{post.post_id}" for post in posts if owner and post.account_id == account.pk}
    owned |= {f"user:{user.user_id}" for user in users if owner and user.pk == account.pk}
    bill(request, account, Call.POST_READ, post_ids, owned=owned)
    bill(request, account, Call.USER_READ, user_ids, owned=owned)


def usage(payer: str, *, days: int, today: datetime.date) -> dict:
    """X's GET /2/usage/tweets answer for the app `payer`: the posts it read each day of the
    last `days` (a post read twice in a day counted once, as it is billed)."""
    first = today - datetime.timedelta(days=days - 1)
    rows = (
        BillItem.objects.filter(
            payer=payer, day__gte=first, call__in=READ_CALLS, resource__startswith="post:"
        )
        .values("day")
        .annotate(posts=Count("pk"))
        .order_by("day")
    )
    daily = [
        {"date": f"{row['day']:%Y-%m-%d}T00:00:00.000Z", "usage": str(row["posts"])} for row in rows
    ]
    total = sum(row["posts"] for row in rows)
    return {
        "data": {
            "cap_reset_day": 1,
            "project_id": payer[:19],
            "project_cap": "2000000",
            "project_usage": str(total),
            "daily_project_usage": {"project_id": payer[:19], "usage": daily},
            "daily_client_app_usage": [
                {"client_app_id": payer[:19], "usage": daily, "usage_result_count": len(daily)}
            ],
        }
    }


def bill_by_kind(*, handles=None, since: datetime.date | None = None) -> dict:
    """The bill in dollars by kind of call (and a total), for the accounts named by
    `handles` (all when None), from `since` (a UTC day) on: {"by_kind": {call: {"calls",
    "cost_usd"}}, "total_usd"} with costs as strings of dollars."""
    items = BillItem.objects.all()
    if handles is not None:
        items = items.filter(account__handle__in=handles)
    if since is not None:
        items = items.filter(day__gte=since)
    rows = items.values("call").annotate(calls=Count("pk"), cost=Sum("cost_usd")).order_by("call")
    by_kind = {row["call"]: {"calls": row["calls"], "cost_usd": str(row["cost"])} for row in rows}
    total = sum((row["cost"] for row in rows), Decimal("0"))
    return {"by_kind": by_kind, "total_usd": str(total)}
