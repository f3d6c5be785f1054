"""The head of a bot's queue, its query built once per bot and shape in a process: a later
claim runs the very SQL the ORM would build for its own time, and a change of shape (a
budget set, a new month, a new cap) builds the query again."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from bots.models import DailySpend
from tests.factories import make_tweet
from tweets import posting, queue_head
from tweets.models import Tweet
from tweets.states import move_tweet

State = Tweet.State
SQLITE = "django.db.backends.sqlite3"
FIRST = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "later", [timedelta(0), timedelta(seconds=1), timedelta(hours=30), timedelta(days=20)]
)
def test_a_later_claim_runs_the_sql_built_for_its_own_time(bot, later):
    bot.monthly_budget_usd = Decimal("5")
    bot.daily_post_cap = 7
    queue_head.head_sql(bot, FIRST)
    fresh_sql, fresh_params = queue_head.head_query(bot, FIRST + later)[:1].query.sql_with_params()
    assert queue_head.head_sql(bot, FIRST + later) == (fresh_sql, list(fresh_params))


def test_a_new_month_sums_only_its_own_spend(bot):
    bot.monthly_budget_usd = Decimal("1.00")
    bot.save()
    end_of_march = datetime(2031, 3, 31, 23, 0, tzinfo=UTC)
    DailySpend.objects.create(
        bot=bot, day=end_of_march.date(), call="post", calls=1, cost_usd=Decimal("1.00")
    )
    queued = make_tweet(bot=bot, state=State.APPROVED)
    assert posting.claim_next(bot.pk, now=end_of_march) is None
    assert posting.claim_next(bot.pk, now=end_of_march + timedelta(hours=2)) == queued


def test_a_budget_or_cap_set_after_a_claim_holds_the_next_one(bot):
    first, second = (make_tweet(bot=bot, state=State.APPROVED) for _ in range(2))
    assert posting.claim_next(bot.pk, now=FIRST) == first
    move_tweet(first, State.POSTED, expect={State.POSTING}, fields={"posted_at": FIRST})
    # The post's cost is counted as it moves to posted: the month has spent the budget.
    DailySpend.objects.filter(bot=bot, day=FIRST.date()).update(cost_usd=Decimal("0.50"))
    bot.monthly_budget_usd = Decimal("0.50")
    bot.save()
    assert posting.claim_next(bot.pk, now=FIRST + timedelta(minutes=1)) is None
    assert "Budget reached" in type(bot).objects.get(pk=bot.pk).budget_hold

    bot.monthly_budget_usd = None
    bot.daily_post_cap = 1
    bot.save()
    assert posting.claim_next(bot.pk, now=FIRST + timedelta(minutes=2)) is None
    assert "Daily cap reached" in type(bot).objects.get(pk=bot.pk).budget_hold
    bot.daily_post_cap = 3
    bot.save()
    assert posting.claim_next(bot.pk, now=FIRST + timedelta(minutes=3)) == second


def test_the_kept_sql_is_only_moved_on_where_times_are_datetime_parameters():
    # PostgreSQL's driver takes datetimes, which the kept query's are shifted from; SQLite's
    # backend turns them into text first, so there the query is built for every claim.
    assert queue_head.shifts_times(connection.ops)
    sqlite = SQLiteWrapper({**connection.settings_dict, "ENGINE": SQLITE, "NAME": ":memory:"})
    assert not queue_head.shifts_times(sqlite.ops)
