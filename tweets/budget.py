"""Posting budgets: what a post costs at X's pay-per-use prices, what each bot posted in the
last 24 hours and spent this month, what it will cost a month, and whether the next post
still fits the bot's daily cap and monthly budget.

The claim's checks are flat in a bot's history: spend is a running counter per bot and
month (MonthlySpend, added to in the transaction that marks a tweet posted), and the daily
cap counts the last 24 hours' posts with a LIMIT of the cap, through the posted-at index,
so "posts in any 24 hours" stays exact and costs at most the cap's worth of index entries.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from bots.models import Bot
from bots.schedule import expected_posts_per_month
from platforms import rules_for
from platforms.base import Call
from tweets.models import MonthlySpend, Tweet

CENT = Decimal("0.01")
ESTIMATE_DAYS = 30


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
        """`posts_per_month` posts at this bot's recent share of posts with links."""
        per_post = self.prices.per_post + Decimal(str(self.link_share)) * (
            self.prices.per_post_with_link - self.prices.per_post
        )
        return (per_post * posts_per_month).quantize(CENT, rounding=ROUND_HALF_UP)


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
    (posts of the last 24 hours and tweets being sent, counted up to the daily cap) and,
    when the bot has a monthly budget, `spent` this month (its MonthlySpend row)."""
    tweets = Tweet.objects.filter(bot_id=bot.pk)
    figures = {
        "posted_today": bounded_count(tweets.posted_within_a_day(now), bot.daily_post_cap),
        "being_sent": bounded_count(tweets.sending(), bot.daily_post_cap),
    }
    if bot.monthly_budget_usd is not None:
        figures["spent"] = Subquery(
            MonthlySpend.objects.filter(bot_id=bot.pk, month=spend_month(now)).values("spent_usd")[
                :1
            ]
        )
    return figures


def claim_refusal(bot: Bot, head: Tweet) -> str:
    """refusal() for the head of the queue, from the figures claim_figures annotated."""
    return refusal(
        sent_today=head.posted_today + head.being_sent,
        daily_cap=bot.daily_post_cap,
        spent=getattr(head, "spent", None) or Decimal("0"),
        monthly_budget=bot.monthly_budget_usd,
        next_cost=post_cost(bot, head.text),
    )


def queue_hold(tweet: Tweet, now: datetime.datetime) -> str:
    """Why queued `tweet` does not go out now, said to a person, or "" when it is about to:
    the bot's own state first (Bot.posting_hold), then its daily cap and budget (refusal)."""
    bot = tweet.bot
    return bot.posting_hold() or budget_for(bot, now).refusal(post_cost(bot, tweet.text))


def spend_month(at: datetime.datetime) -> datetime.date:
    """The MonthlySpend month a post made at `at` counts in: the site time zone's month."""
    return timezone.localdate(at).replace(day=1)


def count_spend(bot_id: int, *, at: datetime.datetime, cost: Decimal | None) -> None:
    """Add one post costing `cost`, made at `at`, to the bot's spend that month (rows
    written: MonthlySpend); called in the transaction that marks the tweet posted."""
    cost = cost or Decimal("0")
    month = spend_month(at)
    counter = MonthlySpend.objects.filter(bot_id=bot_id, month=month)
    if counter.update(spent_usd=F("spent_usd") + cost, posts=F("posts") + 1):
        return
    try:
        # The bot's first post of the month: a second writer at once loses the insert
        # and adds to the row the first one made.
        with transaction.atomic():
            MonthlySpend.objects.create(bot_id=bot_id, month=month, spent_usd=cost, posts=1)
    except IntegrityError:
        counter.update(spent_usd=F("spent_usd") + cost, posts=F("posts") + 1)


def prices_for(bot: Bot) -> Prices:
    """The bot's network's price per post, and per post with a link (the sandbox's default
    to X's so the demo shows real figures)."""
    rules = rules_for(bot)
    return Prices(
        per_post=rules.price(Call.POST), per_post_with_link=rules.price(Call.POST_WITH_URL)
    )


def post_cost(bot: Bot, text: str) -> Decimal:
    """What posting `text` costs the bot: the link price when its network sees a URL in it."""
    return rules_for(bot).post_price(text)


def budgets_by_bot(bots, now: datetime.datetime) -> dict[int, Budget]:
    """Each bot's Budget, from three grouped queries: what counts against its daily cap,
    its posts of the last 30 days, and its spend this month (MonthlySpend)."""
    bots = list(bots)
    window = now - datetime.timedelta(days=ESTIMATE_DAYS)
    # A network's prices are the same for all its bots: one condition per network.
    prices = {bot.platform: prices_for(bot) for bot in bots}
    with_link = Q()
    for platform, platform_prices in prices.items():
        with_link |= Q(bot__platform=platform, cost_usd__gt=platform_prices.per_post)
    rows = (
        Tweet.objects.filter(bot__in=bots, state=Tweet.State.POSTED, posted_at__gte=window)
        .values("bot_id")
        .annotate(recent=Count("pk"), recent_links=Count("pk", filter=with_link))
    )
    found = {row["bot_id"]: row for row in rows}
    spent = dict(
        MonthlySpend.objects.filter(bot__in=bots, month=spend_month(now)).values_list(
            "bot_id", "spent_usd"
        )
    )
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


def dollars(amount: Decimal | None) -> str:
    """$1.50, or $0.215 when the amount has parts of a cent (prices per post do)."""
    if amount is None:
        return ""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents == amount:
        return f"${cents:,}"
    return f"${amount.quantize(Decimal('0.0001')).normalize():,f}"
