"""The head of a bot's queue: its next due tweet, in one query with everything the claim
decides on (tweets.posting), built by the ORM once per bot and shape in each process.

Building that query from the QuerySet methods that define each rule costs a worker more CPU
(about 4 ms) than running it, on every claim. Its SQL depends only on the bot, its daily
cap, whether it has a monthly budget, the UTC month its spend is summed over and the slots'
grace, and every time it holds is `now` or a fixed span before it: so the SQL built for one
claim serves the bot's later ones with its times moved on to theirs (head_sql), where the
database takes times as datetime parameters (PostgreSQL's driver); where the backend turns
them into text first (SQLite, the single machine's default), it is built for each claim.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Exists, OuterRef

from bots import spend
from bots.models import Bot
from tweets import budget, expiry
from tweets.models import Tweet, TweetImage

# Bots whose SQL a process keeps; past it, the kept SQL is forgotten and built again.
MOST_KEPT = 2000


@dataclass(frozen=True)
class _Built:
    sql: str
    params: tuple
    at: datetime


_kept: dict[tuple, _Built] = {}


def head_of_queue(bot: Bot, now: datetime) -> Tweet | None:
    """The bot's next due tweet, annotated with whether a tweet being sent or reconciled
    holds the queue (it may be on X already; an unknown one left for a person does not),
    whether any queued tweet missed its slot, whether it has images, and the daily cap's
    and monthly budget's figures (budget.claim_figures); None when nothing is due."""
    sql, params = head_sql(bot, now)
    return next(iter(Tweet.objects.raw(sql, params)), None)


def head_sql(bot: Bot, now: datetime) -> tuple[str, list]:
    """The SQL and parameters of head_query(bot, now)'s first row, built once for the bot's
    shape: a later call shifts the times of the kept parameters by the time gone since."""
    shape = (
        bot.pk,
        bot.daily_post_cap,
        bot.monthly_budget_usd is not None,
        spend.month_of(now),
        expiry.slot_grace(),
    )
    if not shifts_times(connection.ops):
        sql, params = head_query(bot, now)[:1].query.sql_with_params()
        return sql, list(params)
    built = _kept.get(shape)
    if built is None:
        if len(_kept) >= MOST_KEPT:
            _kept.clear()
        sql, params = head_query(bot, now)[:1].query.sql_with_params()
        built = _kept[shape] = _Built(sql=sql, params=tuple(params), at=now)
    moved = now - built.at
    return built.sql, [p + moved if isinstance(p, datetime) else p for p in built.params]


def shifts_times(ops) -> bool:
    """Whether the backend (its `connection.ops`) passes times to the database as datetime
    parameters, which a kept query's can be moved on from; SQLite's become text."""
    return isinstance(ops.adapt_datetimefield_value(datetime(2026, 1, 1, tzinfo=UTC)), datetime)


def head_query(bot: Bot, now: datetime):
    """The due tweets of the bot at `now`, in order, with head_of_queue's annotations."""
    holding = Tweet.objects.filter(bot_id=bot.pk).holding_queue()
    return (
        Tweet.objects.filter(bot_id=bot.pk)
        .due(now)
        .annotate(
            queue_held=Exists(holding),
            missed_slots=Exists(expiry.missed_slots(now).filter(bot_id=bot.pk)),
            has_images=Exists(TweetImage.objects.filter(tweet=OuterRef("pk"))),
            **budget.claim_figures(bot, now),
        )
    )
