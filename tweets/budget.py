"""Posting budgets: what a post costs at X's pay-per-use prices, what each bot posted in the
last 24 hours and spent this month, what it will cost a month (posts and reads), how often
it may listen within its budget, and whether the next post still fits the bot's daily cap
and the monthly budgets of the bot, its groups and the site.

The claim's checks are flat in a bot's history: spend is kept per bot, UTC day and kind
(bots.spend's DailySpend; a post's row added to in the transaction that marks it posted),
so a month is a sum of at most a month's rows, and the daily cap counts the last 24 hours'
posts with a LIMIT of the cap, through the posted-at index, so "posts in any 24 hours"
stays exact and costs at most the cap's worth of index entries.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from bots import spend
from bots.models import Bot, DailySpend, Listener
from bots.schedule import expected_posts_per_month
from platforms import owns_app, rules_for
from platforms.base import Call
from tweets.models import Tweet

CENT = Decimal("0.01")
ESTIMATE_DAYS = 30
# How far back the pace of reads (listening's mentions, reconciles) is measured.
READ_PACE_DAYS = 7
# Listening, stretched by its budget, still reads at least once a day.
LONGEST_LISTEN_INTERVAL = datetime.timedelta(days=1)
dollars = spend.dollars
# The forecast's kinds besides the reads.
POSTS = "Posts"
CHECKS = "Credential checks"


@dataclass(frozen=True)
class Prices:
    per_post: Decimal
    per_post_with_link: Decimal


@dataclass(frozen=True)
class Budget:
    """One bot's posting figures at a moment; `refusal` says why the next post must wait.

    `against_cap` counts Tweet.objects.against_daily_cap: the posts of the last 24 hours
    (`posts_today`) and the tweets in flight, `queued` of them approved and not yet sent.
    """

    posts_today: int
    against_cap: int
    queued: int
    daily_cap: int
    spent: Decimal
    monthly_budget: Decimal | None
    posts_last_30_days: int
    link_share: float
    prices: Prices
    # What the bot's reads of mentions and of its own timeline cost a day at the recent
    # pace, by kind (read_pace), and what its credential checks cost a day from their
    # interval (check_price each, checks_charged).
    reads_per_day: dict = field(default_factory=dict)
    check_price: Decimal = Decimal("0")

    def cap_reached(self) -> bool:
        """No room for one more post in the daily cap: what was posted, is being sent or is
        queued to go already fills it. A schedule's slot asks this before adding a post."""
        return self.against_cap >= self.daily_cap

    @property
    def sent_today(self) -> int:
        """Posted in the last 24 hours, or sent and maybe on X (posting, unknown)."""
        return self.against_cap - self.queued

    def budget_reached(self, next_cost: Decimal | None = None) -> bool:
        if self.monthly_budget is None:
            return False
        return self.spent + (next_cost or self.prices.per_post) > self.monthly_budget

    def refusal(self, next_cost: Decimal | None = None) -> str:
        """Why the next queued tweet (costing `next_cost`) must wait, or "" when it may go:
        the claim asks this of the tweet at the head of the queue, so the tweets queued
        behind it do not count against the cap, only the ones already sent."""
        return refusal(
            sent_today=self.sent_today,
            daily_cap=self.daily_cap,
            spent=self.spent,
            monthly_budget=self.monthly_budget,
            next_cost=next_cost or self.prices.per_post,
        )

    def estimated_monthly_cost(self, *, posts_per_month: int) -> Decimal:
        """`posts_per_month` posts at this bot's recent share of posts with links, and a
        month of its reads (forecast)."""
        month = datetime.timedelta(days=ESTIMATE_DAYS)
        total = sum(self.forecast(posts=posts_per_month, period=month).values(), Decimal("0"))
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    def forecast(self, *, posts: float, period: datetime.timedelta) -> dict[str, Decimal]:
        """What `posts` posts and the bot's reads over `period` cost, by kind: POSTS at the
        recent share of links, each kind of read at its recent daily pace (listening and
        reconciling; bots.spend.CALL_LABELS), and CHECKS from their interval."""
        per_post = self.prices.per_post + Decimal(str(self.link_share)) * (
            self.prices.per_post_with_link - self.prices.per_post
        )
        days = Decimal(str(period / datetime.timedelta(days=1)))
        figures = {POSTS: per_post * Decimal(str(posts))}
        for call, per_day in self.reads_per_day.items():
            figures[spend.CALL_LABELS[Call(call)]] = per_day * days
        figures[CHECKS] = self.check_price * Decimal(str(checks_charged(period)))
        return figures

    def posts_within(self, schedule, period: datetime.timedelta) -> float:
        """How many posts the bot makes in the coming `period`: its schedule's slots (or
        the last 30 days' pace), at most what the daily cap lets through: today's room,
        then a cap a day."""
        days = period / datetime.timedelta(days=1)
        if schedule is not None and schedule.enabled:
            slots = expected_posts_per_month(schedule, days=days, capped=False)
        else:
            slots = self.posts_last_30_days * days / ESTIMATE_DAYS
        room = max(self.daily_cap - self.sent_today, 0) + self.daily_cap * max(days - 1, 0)
        return min(slots, room)


def refusal(
    *,
    sent_today: int,
    daily_cap: int,
    spent: Decimal,
    monthly_budget: Decimal | None,
    next_cost: Decimal,
) -> str:
    """Why a post costing `next_cost` must wait, or "": `sent_today` posts of the last 24
    hours (and tweets being sent) against the daily cap, `spent` this month against the
    monthly budget (None: no budget)."""
    if sent_today >= daily_cap:
        return (
            f"Daily cap reached: {sent_today} of {daily_cap} posts in the last "
            "24 hours. Queued tweets wait until older posts leave the 24-hour window."
        )
    if monthly_budget is not None and spent + next_cost > monthly_budget:
        return (
            f"Budget reached: {dollars(spent)} of {dollars(monthly_budget)} this "
            "month. Queued tweets wait for next month, or raise the budget."
        )
    return ""


def bounded_count(tweets: QuerySet, limit: int) -> RawSQL | Value:
    """An expression counting the rows of `tweets`, stopping at `limit`: as exact as the
    comparison with `limit` needs, and never reading more than `limit` index entries."""
    if limit <= 0:
        return Value(0)
    # bot_id is in both indexes the claim counts through, so PostgreSQL reads the index only.
    # The inner SQL is Django's own, compiled from the queryset, with its parameters apart.
    sql, params = tweets.order_by().values("bot_id")[:limit].query.sql_with_params()
    return RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS bounded", params)  # noqa: S608, S611


def claim_figures(bot: Bot, now: datetime.datetime) -> dict:
    """Annotations for the claim's one query of the head of the bot's queue: `sent_today`
    (posts of the last 24 hours and tweets being sent, counted up to the daily cap), when
    the bot has a monthly budget `spent` this month (a sum of its DailySpend rows), and
    what its groups' and the site's budgets have left (bots.spend.room_figures)."""
    tweets = Tweet.objects.filter(bot_id=bot.pk)
    figures = {
        "posted_today": bounded_count(tweets.posted_within_a_day(now), bot.daily_post_cap),
        "being_sent": bounded_count(tweets.sending(), bot.daily_post_cap),
        **spend.room_figures(bot, now),
    }
    if bot.monthly_budget_usd is not None:
        figures["spent"] = spend.total(
            spend.in_month(DailySpend.objects.filter(bot_id=bot.pk), now)
        )
    return figures


def claim_refusal(bot: Bot, head: Tweet, now: datetime.datetime) -> str:
    """refusal() for the head of the queue, from the figures claim_figures annotated; when a
    group's or the site's budget has no room for it, that budget's refusal (worked out with
    a few more queries, only then)."""
    next_cost = post_cost(bot, head.text, reply=bool(head.in_reply_to_post_id))
    held = refusal(
        sent_today=head.posted_today + head.being_sent,
        daily_cap=bot.daily_post_cap,
        spent=getattr(head, "spent", None) or Decimal("0"),
        monthly_budget=bot.monthly_budget_usd,
        next_cost=next_cost,
    )
    rooms = [room for room in (head.group_room, head.site_room) if room is not None]
    if not held and any(room < next_cost for room in rooms):
        return spend.budget_refusal(bot, at=now, next_cost=next_cost, waiting="Queued tweets")
    return held


def queue_hold(tweet: Tweet, now: datetime.datetime) -> str:
    """Why queued `tweet` does not go out now, said to a person, or "" when it is about to:
    the bot's own state first (Bot.posting_hold), then its daily cap and budget (refusal)."""
    bot = tweet.bot
    return bot.posting_hold() or budget_for(bot, now).refusal(post_cost(bot, tweet.text))


def count_spend(tweet: Tweet, *, at: datetime.datetime, cost: Decimal | None) -> None:
    """Add the tweet's post, costing `cost`, made at `at`, to its bot's spend of that day
    and kind (rows written: DailySpend, one UPDATE once the day's row exists); called in the
    transaction that marks the tweet posted, so each post counts once, however it was
    learned (an answer, or a reconcile that found it)."""
    call = rules_for(tweet.bot).post_call(tweet.text, reply=bool(tweet.in_reply_to_post_id))
    spend.add_spend(
        tweet.bot_id, call=call, day=spend.spend_day(at), calls=1, cost=cost or Decimal("0")
    )


def prices_for(bot: Bot) -> Prices:
    """The bot's network's price per post, and per post with a link (the sandbox's default
    to X's so the demo shows real figures)."""
    rules = rules_for(bot)
    return Prices(
        per_post=rules.price(Call.POST), per_post_with_link=rules.price(Call.POST_WITH_URL)
    )


def post_cost(bot: Bot, text: str, *, reply: bool = False) -> Decimal:
    """What posting `text` costs the bot: the link price when its network sees a URL in it,
    the reply price for a reply."""
    return rules_for(bot).post_price(text, reply=reply)


def budgets_by_bot(bots, now: datetime.datetime) -> dict[int, Budget]:
    """Each bot's Budget, from four grouped queries: what counts against its daily cap,
    its posts of the last 30 days, its spend this month, and its reads' recent pace."""
    bots = list(bots)
    # A network's prices are the same for all its bots.
    prices = {bot.platform: prices_for(bot) for bot in bots}
    # The last 30 days' posts, and those with a link, from the posts counted per bot and
    # UTC day (bots.spend): at most 31 rows a bot and kind of post, however many it posted.
    since = spend.spend_day(now - datetime.timedelta(days=ESTIMATE_DAYS))
    rows = (
        DailySpend.objects.filter(bot__in=bots, call__in=spend.POSTS, day__gte=since)
        .values("bot_id")
        .annotate(
            recent=Sum("calls"),
            recent_links=Coalesce(Sum("calls", filter=Q(call=Call.POST_WITH_URL)), 0),
        )
    )
    found = {row["bot_id"]: row for row in rows}
    spent = spend.spent_by_bot(bots, now)
    reads = read_pace(bots, now)
    for bot in bots:
        # The checks' own reads, a day's worth, leave the pace: forecast counts them apart.
        pace = reads.get(bot.pk, {})
        kind = Call.OWNED_READ if owns_app(bot) else Call.USER_READ
        if kind in pace:
            checks = check_price(bot) * Decimal(str(checks_charged(datetime.timedelta(days=1))))
            pace[kind] = max(pace[kind] - checks, Decimal("0"))
    counted = {
        row.pop("bot_id"): row
        for row in Tweet.objects.filter(bot__in=bots)
        .against_daily_cap(now)
        .values("bot_id")
        .annotate(
            total=Count("pk"),
            posted=Count("pk", filter=Q(state=Tweet.State.POSTED)),
            queued=Count("pk", filter=Q(state=Tweet.State.APPROVED)),
        )
    }
    budgets = {}
    for bot in bots:
        row = found.get(bot.pk, {})
        cap = counted.get(bot.pk, {})
        recent = row.get("recent", 0)
        budgets[bot.pk] = Budget(
            posts_today=cap.get("posted", 0),
            against_cap=cap.get("total", 0),
            queued=cap.get("queued", 0),
            daily_cap=bot.daily_post_cap,
            spent=spent.get(bot.pk, Decimal("0")),
            monthly_budget=bot.monthly_budget_usd,
            posts_last_30_days=recent,
            link_share=row.get("recent_links", 0) / recent if recent else 0.0,
            prices=prices[bot.platform],
            reads_per_day=reads.get(bot.pk, {}),
            check_price=check_price(bot),
        )
    return budgets


def budget_for(bot: Bot, now: datetime.datetime) -> Budget:
    return budgets_by_bot([bot], now)[bot.pk]


def planned_posts_per_month(budget: Budget, schedule=None) -> int:
    """How many posts a month the bot is expected to make: its schedule's slots when it has
    one that is on (bots.schedule.expected_posts_per_month), else the last 30 days' pace."""
    if schedule is not None and schedule.enabled:
        return round(expected_posts_per_month(schedule))
    return budget.posts_last_30_days


def estimated_monthly_cost(bot: Bot, *, posts_per_month: int, now: datetime.datetime) -> Decimal:
    """What `posts_per_month` posts cost the bot a month, at its recent share of links."""
    return budget_for(bot, now).estimated_monthly_cost(posts_per_month=posts_per_month)


def read_pace(bots, now: datetime.datetime) -> dict[int, dict[str, Decimal]]:
    """Per bot, what each kind of read cost a day over the last READ_PACE_DAYS UTC days and
    today so far (one grouped query): listening's mentions and their authors, reconciling's
    timelines, and the credential checks' reads of the bot's own user, which budgets_by_bot
    takes out again since the forecast counts those from their interval."""
    today = spend.spend_day(now)
    midnight = datetime.datetime.combine(today, datetime.time.min, tzinfo=datetime.UTC)
    days = Decimal(READ_PACE_DAYS) + Decimal(str((now - midnight) / datetime.timedelta(days=1)))
    rows = (
        DailySpend.objects.filter(
            bot__in=bots,
            day__gte=today - datetime.timedelta(days=READ_PACE_DAYS),
            call__in=[Call.POST_READ, Call.USER_READ, Call.OWNED_READ],
        )
        .values("bot_id", "call")
        .annotate(cost=Sum("cost_usd"))
    )
    pace: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        pace.setdefault(row["bot_id"], {})[row["call"]] = row["cost"] / days
    return pace


def check_price(bot: Bot) -> Decimal:
    """What one credential check costs the bot: a read of its own user (GET /2/users/me)."""
    return rules_for(bot).price(Call.OWNED_READ if owns_app(bot) else Call.USER_READ)


def checks_charged(period: datetime.timedelta) -> float:
    """How many credential checks of a bot are charged in `period`, one every
    CREDENTIAL_CHECK_HOURS: X charges its own user's read once a UTC day, so at most one a
    day, and over less than a day the chance that a check falls in it."""
    interval = datetime.timedelta(hours=settings.CREDENTIAL_CHECK_HOURS)
    day = datetime.timedelta(days=1)
    if interval >= day:
        return period / interval
    return max(period / day, min(1.0, period / interval))


def listen_interval(bot: Bot, now: datetime.datetime) -> datetime.timedelta | None:
    """How often the bot may read its mentions within its budgets: LISTEN_INTERVAL_SECONDS
    while the month's forecast fits, longer in proportion when listening at that pace would
    not (at most once a day), None when a budget is spent (reads stop: bots.spend.hold_reads).

    Listening's cost per day is its recent pace (read_pace) at the base interval; the room
    is the least a budget has left (a group's or the site's shared evenly among their bots),
    less the rest of the month's posts and credential checks."""
    base = datetime.timedelta(seconds=settings.LISTEN_INTERVAL_SECONDS)
    if spend.hold_reads(bot, at=now):
        return None
    room = budget_room(bot, now)
    if room is None:
        return base
    budget = budget_for(bot, now)
    _first, after = spend.month_of(now)
    left = datetime.datetime.combine(after, datetime.time.min, tzinfo=datetime.UTC) - now
    days_left = Decimal(str(left / datetime.timedelta(days=1)))
    listening = sum(budget.reads_per_day.values(), Decimal("0"))
    if not listening:
        return base
    schedule = getattr(bot, "schedule", None)
    posts = planned_posts_per_month(budget, schedule) * (days_left / ESTIMATE_DAYS)
    others = budget.forecast(posts=float(posts), period=left)
    affordable = (room - others[POSTS] - others[CHECKS]) / days_left
    if affordable <= 0:
        return LONGEST_LISTEN_INTERVAL
    stretch = float(listening / affordable)
    return min(max(base, base * stretch), LONGEST_LISTEN_INTERVAL)


def budget_room(bot: Bot, now: datetime.datetime) -> Decimal | None:
    """The least any budget of the bot has left this month for it (None: no budget): its
    own, and each group's or the site's room divided among their bots."""
    rooms = []
    if bot.monthly_budget_usd is not None:
        spent = spend.spent_this_month(Bot.objects.filter(pk=bot.pk), now)
        rooms.append(bot.monthly_budget_usd - spent)
    for group in bot.groups.filter(monthly_budget_usd__isnull=False):
        members = group.bots.all()
        spent = spend.spent_this_month(members, now)
        rooms.append((group.monthly_budget_usd - spent) / max(members.count(), 1))
    if (site := spend.site_budget()) is not None:
        spent = spend.spent_this_month(None, now)
        rooms.append((site - spent) / max(Bot.objects.filter(is_active=True).count(), 1))
    return min(rooms) if rooms else None


def listening_due(bot_ids, now: datetime.datetime) -> list[int]:
    """Of the listening bots `bot_ids`, those whose budget allows a read now: no budget
    holds their reads, and their last read is at least listen_interval old."""
    due = []
    listeners = Listener.objects.filter(bot_id__in=bot_ids).select_related("bot__schedule")
    for listener in listeners:
        interval = listen_interval(listener.bot, now)
        if interval is None:
            continue
        # A beat tick late by a few seconds still reads on the tick of its interval.
        slack = datetime.timedelta(seconds=settings.LISTEN_INTERVAL_SECONDS / 2)
        if listener.checked_at is None or now - listener.checked_at >= interval - slack:
            due.append(listener.bot_id)
    return due


def forecast_for(bots, now: datetime.datetime, *, period: datetime.timedelta) -> dict:
    """What `bots` will spend over `period` from now, by kind, summed over the bots: posts
    at their schedules' pace, reads at their recent pace and intervals (Budget.forecast)."""
    budgets = budgets_by_bot(bots, now)
    schedules = {bot.pk: getattr(bot, "schedule", None) for bot in bots}
    figures: dict[str, Decimal] = {}
    for bot_id, budget in budgets.items():
        posts = budget.posts_within(schedules.get(bot_id), period)
        for kind, cost in budget.forecast(posts=posts, period=period).items():
            figures[kind] = figures.get(kind, Decimal("0")) + cost
    return figures
