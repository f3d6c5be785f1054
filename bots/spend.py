"""What the flock spends on X, call by call: each billable call a client reports (a
platforms.base.Charge) priced by the bot's network and added to its DailySpend row for the
UTC day and kind, a resource read twice in a day charged once, as X bills; and the monthly
budgets of a bot, of its groups and of the whole site, which hold posts and reads beyond them.

A month is a calendar month in UTC, X's billing days.
"""

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot, BotGroup, DailySpend, ReadCharge, SiteBudget
from platforms import rules_for
from platforms.base import READS, Call, Charge

CENT = Decimal("0.01")
ZERO = Decimal("0")
POSTS = frozenset({Call.POST, Call.POST_WITH_URL, Call.SUMMONED_REPLY})


def recorder(bot: Bot, *, posts: bool = True) -> Callable[[Charge], None] | None:
    """The callback a client of `bot` reports its charges to (settings.PLATFORM_CALL_RECORDER);
    `posts=False` leaves posts to the caller (the posting pipeline counts each post in the
    transaction that marks it posted). None for a bot not saved yet (a sign-in's probe)."""
    if bot.pk is None:
        return None

    def record(charge: Charge) -> None:
        if posts or charge.call not in POSTS:
            record_charge(bot, charge)

    return record


def spend_day(at: datetime.datetime) -> datetime.date:
    """The UTC day a call made at `at` is billed on."""
    return at.astimezone(datetime.UTC).date()


def month_of(at: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The first day of the UTC month of `at`, and of the month after it."""
    first = spend_day(at).replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1)


def record_charge(bot: Bot, charge: Charge, *, at: datetime.datetime | None = None) -> Decimal:
    """Price `charge` for `bot` and add it to the bot's spend of the day (rows written:
    ReadCharge for each resource a read charged, DailySpend); returns what it cost. A read
    costs only the resources its payer was not charged for yet this UTC day."""
    at = at or timezone.now()
    day = spend_day(at)
    with transaction.atomic():
        count = (
            _newly_read(charge.payer, day, charge.resources)
            if charge.call in READS
            else len(charge.resources)
        )
        if not count:
            return ZERO
        cost = rules_for(bot).price(charge.call) * count
        add_spend(bot.pk, call=charge.call, day=day, calls=count, cost=cost)
    return cost


def _newly_read(payer: str, day: datetime.date, resources: tuple[str, ...]) -> int:
    """How many of `resources` the payer had not read yet on `day`, now marked read: one
    INSERT ... ON CONFLICT DO NOTHING RETURNING (PostgreSQL and SQLite), so two workers
    reading the same post at once charge it once."""
    unique = list(dict.fromkeys(resources))
    table = ReadCharge._meta.db_table
    rows = ", ".join(["(%s, %s, %s)"] * len(unique))
    params = [value for resource in unique for value in (payer, day, resource)]
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name is the model's own; every value is a parameter.
            f"INSERT INTO {table} (payer, day, resource) VALUES {rows} "  # noqa: S608
            "ON CONFLICT (payer, day, resource) DO NOTHING RETURNING resource",
            params,
        )
        return len(cursor.fetchall())


def add_spend(bot_id: int, *, call: Call, day: datetime.date, calls: int, cost: Decimal) -> None:
    """Add `calls` of `call` costing `cost` to the bot's row of `day` (rows written:
    DailySpend; one UPDATE once the row exists). The day's first row of a bot also forgets
    the resources read before yesterday."""
    row = DailySpend.objects.filter(bot_id=bot_id, day=day, call=call)
    if row.update(calls=F("calls") + calls, cost_usd=F("cost_usd") + cost):
        return
    try:
        # The first call of its kind today: a second writer at once loses the insert and
        # adds to the row the first one made.
        with transaction.atomic():
            DailySpend.objects.create(bot_id=bot_id, day=day, call=call, calls=calls, cost_usd=cost)
    except IntegrityError:
        row.update(calls=F("calls") + calls, cost_usd=F("cost_usd") + cost)
        return
    ReadCharge.objects.filter(day__lt=day - datetime.timedelta(days=1)).delete()


# Sums ----------------------------------------------------------------------------------


def in_month(spend: QuerySet, at: datetime.datetime) -> QuerySet:
    first, after = month_of(at)
    return spend.filter(day__gte=first, day__lt=after)


def total(spend: QuerySet) -> Subquery:
    """A subquery of the sum of `spend`'s costs (0 for none), whatever it spans: one bot,
    a group's bots, the whole site."""
    # SUM as a plain function keeps Django from grouping the subquery by anything.
    summed = spend.order_by().annotate(total=Func(F("cost_usd"), function="SUM")).values("total")
    return Coalesce(Subquery(summed[:1]), ZERO)


def spent_this_month(bots, at: datetime.datetime) -> Decimal:
    """What `bots` (a queryset, or None for the whole site) spent this month."""
    spend = DailySpend.objects.all() if bots is None else DailySpend.objects.filter(bot__in=bots)
    return in_month(spend, at).aggregate(total=Sum("cost_usd"))["total"] or ZERO


def spent_by_bot(bots, at: datetime.datetime) -> dict[int, Decimal]:
    """Each bot's spend this month, from one grouped query."""
    rows = (
        in_month(DailySpend.objects.filter(bot__in=bots), at)
        .values("bot_id")
        .annotate(total=Sum("cost_usd"))
    )
    return {row["bot_id"]: row["total"] for row in rows}


def spend_by_kind(bot: Bot, at: datetime.datetime) -> list[dict]:
    """The bot's spend this month by kind of call, dearest first: `call`, `label`, `calls`
    and `cost`."""
    rows = (
        in_month(DailySpend.objects.filter(bot=bot), at)
        .values("call")
        .annotate(calls=Sum("calls"), cost=Sum("cost_usd"))
        .order_by("-cost", "call")
    )
    return [{**row, "label": CALL_LABELS[Call(row["call"])]} for row in rows]


CALL_LABELS = {
    Call.POST: "Posts",
    Call.POST_WITH_URL: "Posts with a link",
    Call.SUMMONED_REPLY: "Replies",
    Call.MEDIA_METADATA: "Alt text",
    Call.POST_READ: "Posts read",
    Call.USER_READ: "Users read",
    Call.OWNED_READ: "Owned reads",
}


# Budgets -------------------------------------------------------------------------------


def site_budget() -> Decimal | None:
    return SiteBudget.objects.values_list("monthly_budget_usd", flat=True).first()


def set_site_budget(*, amount: Decimal | None, by) -> SiteBudget:
    """Set the whole site's monthly budget (rows written: SiteBudget, Activity site.budget)."""
    with transaction.atomic():
        budget, _ = SiteBudget.objects.update_or_create(
            pk=1, defaults={"monthly_budget_usd": amount, "updated_by": by}
        )
        said = dollars(amount) if amount is not None else "no budget"
        record_activity("site.budget", message=f"Site budget set to {said} a month.", by=by)
    return budget


def room_figures(bot: Bot, at: datetime.datetime) -> dict:
    """Annotations for the claim's query: `group_room`, what the tightest of the bot's
    budgeted groups has left this month (None without one), and `site_room`, what the
    site's budget has left (None without one). Sums are made only where a budget is set."""
    group_spend = in_month(DailySpend.objects.filter(bot__groups=OuterRef("pk")), at)
    groups = (
        BotGroup.objects.filter(bots=bot.pk, monthly_budget_usd__isnull=False)
        .annotate(room=F("monthly_budget_usd") - total(group_spend))
        .order_by("room")
        .values("room")[:1]
    )
    site = SiteBudget.objects.filter(monthly_budget_usd__isnull=False).annotate(
        room=F("monthly_budget_usd") - total(in_month(DailySpend.objects.all(), at))
    )
    return {"group_room": Subquery(groups), "site_room": Subquery(site.values("room")[:1])}


def budget_refusal(
    bot: Bot, *, at: datetime.datetime, next_cost: Decimal = ZERO, waiting: str
) -> str:
    """Why work costing `next_cost` may not go (`waiting` says what waits), or "": the bot's,
    any of its groups' or the site's spend this month, plus `next_cost`, beyond its budget
    (at `next_cost` 0, a budget already spent)."""
    checks = []
    if bot.monthly_budget_usd is not None:
        spent = spent_this_month(Bot.objects.filter(pk=bot.pk), at)
        checks.append(("Budget reached", spent, bot.monthly_budget_usd))
    for group in BotGroup.objects.filter(bots=bot, monthly_budget_usd__isnull=False):
        spent = spent_this_month(group.bots.all(), at)
        checks.append((f"Group budget reached ({group.name})", spent, group.monthly_budget_usd))
    if (site := site_budget()) is not None:
        checks.append(("Site budget reached", spent_this_month(None, at), site))
    for what, spent, budget in checks:
        if spent + next_cost > budget or (not next_cost and spent >= budget):
            return refusal_text(what, spent=spent, budget=budget, waiting=waiting)
    return ""


def refusal_text(what: str, *, spent: Decimal, budget: Decimal, waiting: str) -> str:
    return (
        f"{what}: {dollars(spent)} of {dollars(budget)} this month. "
        f"{waiting} wait for next month, or raise the budget."
    )


READS_WAITING = "Listening, reconciling and credential checks"


def hold_reads(bot: Bot, *, at: datetime.datetime | None = None) -> str:
    """Whether the bot's reads must stop for a budget: the refusal, or "" (rows written:
    Bot.read_hold and Activity bot.reads_held / bot.reads_released when it changes)."""
    refusal = budget_refusal(bot, at=at or timezone.now(), waiting=READS_WAITING)
    if refusal == bot.read_hold:
        return refusal
    with transaction.atomic():
        if Bot.objects.filter(pk=bot.pk).exclude(read_hold=refusal).update(read_hold=refusal):
            if refusal:
                record_activity(
                    "bot.reads_held", message=f"Reads stopped. {refusal}", actor="worker", bot=bot
                )
            else:
                record_activity(
                    "bot.reads_released",
                    message="Reading again: the budget has room.",
                    actor="worker",
                    bot=bot,
                )
    bot.read_hold = refusal
    return refusal


def bots_over_budget(bot_ids, at: datetime.datetime) -> set[int]:
    """Which of `bot_ids` hold a read hold: used by beats to skip them before a task."""
    return set(
        Bot.objects.filter(pk__in=bot_ids).filter(~Q(read_hold="")).values_list("pk", flat=True)
    )


def dollars(amount: Decimal | None) -> str:
    """$1.50, or $0.215 when the amount has parts of a cent (prices per call do)."""
    if amount is None:
        return ""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents == amount:
        return f"${cents:,}"
    return f"${amount.quantize(Decimal('0.0001')).normalize():,f}"
