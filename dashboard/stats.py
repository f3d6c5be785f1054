"""The numbers on the dashboard, in a fixed number of queries whatever the size of the flock
or of its history: grouped counts over indexed states, one correlated lookup per bot for the
latest post, and a 30-day chart of posts summed from the running counters of each bot's
posts per day (bots.spend's DailySpend), never from the posts themselves."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from bots import spend
from bots.models import DailySpend, Schedule
from tweets import budget as budgets
from tweets.models import Tweet

CHART_DAYS = 30
BOTS_PER_PAGE = 50


def bot_rows(bots):
    """The visible bots with their latest post and next queued post annotated."""
    posted = Tweet.objects.filter(bot=OuterRef("pk"), state=Tweet.State.POSTED).order_by(
        "-posted_at"
    )
    queued = Tweet.objects.filter(
        bot=OuterRef("pk"), state=Tweet.State.APPROVED, awaits_slot=False
    ).order_by("next_attempt_at")
    return bots.annotate(
        last_posted_at=Subquery(posted.values("posted_at")[:1]),
        last_post_id=Subquery(posted.values("x_post_id")[:1]),
        next_post_at=Subquery(queued.values("next_attempt_at")[:1]),
    ).order_by("name")


def next_slots_by_bot(bots) -> dict[int, datetime.datetime]:
    """When the next slot of each active bot with a schedule runs, as the row says (one
    query): the very slot that beat will run, jitter included."""
    schedules = Schedule.objects.filter(
        bot__in=bots, enabled=True, bot__is_active=True, next_run_at__isnull=False
    )
    return dict(schedules.values_list("bot_id", "next_run_at"))


def counts_by_bot(bot_ids, now) -> dict[int, dict[str, int]]:
    """Drafts waiting, queued and failed-in-24h per bot id (two grouped queries: the drafts
    counted in their own index alone, however many a bot has, then the rest)."""
    since = now - datetime.timedelta(hours=24)
    counts = {pk: {"drafts": 0, "queued": 0, "failed": 0} for pk in bot_ids}
    drafts = (
        Tweet.objects.filter(bot_id__in=bot_ids, state=Tweet.State.DRAFT)
        .values("bot_id")
        .annotate(drafts=Count("pk"))
    )
    others = (
        Tweet.objects.filter(bot_id__in=bot_ids)
        .filter(
            Q(state__in=[Tweet.State.APPROVED, Tweet.State.POSTING])
            | Q(state=Tweet.State.FAILED, updated_at__gte=since)
        )
        .values("bot_id")
        .annotate(
            queued=Count("pk", filter=Q(state__in=[Tweet.State.APPROVED, Tweet.State.POSTING])),
            failed=Count("pk", filter=Q(state=Tweet.State.FAILED)),
        )
    )
    for row in [*drafts, *others]:
        counts[row.pop("bot_id")].update(row)
    return counts


def budget_figures(bots, now) -> dict[int, dict]:
    """Per bot id, the posting figures as shown: posts in 24 h against the cap, spent this
    month against the budget, the monthly estimate, and why the queue is held if it is
    (one grouped query, tweets.budget)."""
    figures = {}
    schedules = {s.bot_id: s for s in Schedule.objects.filter(bot__in=bots).select_related("bot")}
    for bot_id, budget in budgets.budgets_by_bot(bots, now).items():
        posts_per_month = budgets.planned_posts_per_month(budget, schedules.get(bot_id))
        figures[bot_id] = {
            "posts_today": budget.posts_today,
            "daily_cap": budget.daily_cap,
            "spent": budgets.dollars(budget.spent),
            "monthly_budget": budgets.dollars(budget.monthly_budget),
            "posts_per_month": posts_per_month,
            "estimate": budgets.dollars(
                budget.estimated_monthly_cost(posts_per_month=posts_per_month)
            ),
            "held": budget.refusal(),
        }
    return figures


def posts_per_day(bots, now) -> list[tuple[datetime.date, int]]:
    """Posts per UTC day (X's billing days, the counters' days) over the last CHART_DAYS
    days, every day present (zero if none); `bots` None means every bot. One grouped sum of
    at most a row per bot, day and kind of post."""
    today = spend.spend_day(now)
    first = today - datetime.timedelta(days=CHART_DAYS - 1)
    counted = DailySpend.objects.filter(day__gte=first, call__in=spend.POSTS)
    if bots is not None:
        counted = counted.filter(bot__in=bots)
    rows = counted.order_by().values("day").annotate(posts=Sum("calls"))
    by_day = {row["day"]: row["posts"] for row in rows}
    return [
        (day, by_day.get(day, 0))
        for day in (first + datetime.timedelta(days=n) for n in range(CHART_DAYS))
    ]


def chart_bars(days: list[tuple[datetime.date, int]], *, width=600, height=120) -> dict:
    """Bar geometry for the SVG chart; the template only draws it."""
    peak = max((posts for _, posts in days), default=0) or 1
    step = width / len(days)
    bars = []
    for index, (day, posts) in enumerate(days):
        bar_height = round(posts / peak * (height - 14), 1)
        bars.append(
            {
                "x": round(index * step + 1, 1),
                "y": round(height - 14 - bar_height, 1),
                "width": round(step - 2, 1),
                "height": bar_height,
                "day": day,
                "posts": posts,
                "label": day.strftime("%d") if index % 5 == 0 else "",
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "peak": peak,
        "total": sum(p for _, p in days),
    }
