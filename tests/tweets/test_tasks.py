"""The posting task as a worker runs it, against the sandbox over HTTP and a real broker: a
post costs two transactions and a bounded number of SQL statements, however long the bot's
history, and a backlog sends one post_tweet message per tweet: one waits per bot."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bots.models import DailySpend
from tests.factories import make_tweet
from tweets import posting, services, tasks
from tweets.models import PostAttempt, Tweet

State = Tweet.State
# The common path: the claim's lock, head-of-queue query and two writes, then the outcome's
# lock, attempt, tweet, Activity, spend and next-message query.
MOST_STATEMENTS = 12


class Transactions:
    """An execute wrapper counting the transactions statements run in: each statement in
    autocommit is one, each atomic block's statements until it commits are one."""

    def __init__(self):
        self.count = 0
        self._open = False

    def __call__(self, execute, sql, params, many, context):
        if not connection.in_atomic_block:
            self.count += 1
        elif not self._open:
            self._open = True
            self.count += 1
            transaction.on_commit(self._committed)
        return execute(sql, params, many, context)

    def _committed(self):
        self._open = False


def measured(function, *args):
    """The SQL statements `function` ran (BEGIN and COMMIT apart: they are the transactions,
    counted), and the number of transactions."""
    counter = Transactions()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(counter):
        function(*args)
    sql = [query["sql"] for query in captured.captured_queries]
    return [line for line in sql if line not in {"BEGIN", "COMMIT"}], counter.count


@pytest.fixture
def broker(settings):
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue.flushdb()
    yield queue
    queue.flushdb()


def approved(bot, texts):
    tweets = [make_tweet(bot=bot, text=text) for text in texts]
    for tweet in tweets:
        services.approve_tweet(tweet, by=None)
    return tweets


def test_posting_a_tweet_takes_two_transactions_and_a_dozen_statements_at_most(sandbox_bot, broker):
    sandbox_bot.monthly_budget_usd = Decimal("100")
    sandbox_bot.daily_post_cap = 1000
    sandbox_bot.save()
    first, second, third, _fourth = approved(
        sandbox_bot, [f"Measured post {n}, one of four." for n in range(4)]
    )
    tasks.post_tweet(first.pk)  # the month's spend row exists from here on

    statements, transactions = measured(tasks.post_tweet, second.pk)

    assert Tweet.objects.get(pk=second.pk).state == State.POSTED
    assert transactions == 2, statements
    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)

    # A long history costs the claim, the checks and the outcome nothing more.
    for n in range(300):
        make_tweet(
            bot=sandbox_bot,
            text=f"History {n}",
            state=State.POSTED,
            posted_at=timezone.now() - timedelta(hours=n),
            x_post_id=f"h{n}",
        )
    make_tweet(bot=sandbox_bot, text="A draft waiting", state=State.DRAFT)
    again, transactions = measured(tasks.post_tweet, third.pk)
    assert Tweet.objects.get(pk=third.pk).state == State.POSTED
    assert (len(again), transactions) == (len(statements), 2)
    assert broker.llen("celery") == 4, "no second message for a tweet that has one"


def test_a_post_adds_its_cost_to_the_bots_spend_for_the_month(sandbox_bot, broker, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    first, second = approved(sandbox_bot, ["Paid for once.", "And paid for twice."])
    tasks.post_tweet(first.pk)
    tasks.post_tweet(second.pk)
    spend = DailySpend.objects.get(bot=sandbox_bot, call="post")
    assert (spend.cost_usd, spend.calls) == (Decimal("0.03"), 2)
    assert spend.day == datetime.now(UTC).date()


def test_a_message_taken_while_the_bot_is_busy_is_sent_again_when_its_post_is_done(
    sandbox_bot, broker
):
    first, second = approved(sandbox_bot, ["Being sent.", "Waiting behind it."])
    claimed = posting.claim_next(sandbox_bot.pk)
    assert claimed == first

    tasks.queue_post(second.pk)  # a message sent before the claim, say by the sweep
    tasks.post_tweet(second.pk)  # the bot is busy: the message is spent without a claim
    assert Tweet.objects.get(pk=second.pk).message_sent_at is None
    assert broker.llen("celery") == 2

    posting.post_claimed(claimed, then=tasks._queue_next)
    assert Tweet.objects.get(pk=second.pk).message_sent_at is not None
    assert broker.llen("celery") == 3


def test_a_backlog_sends_one_message_for_the_bot_and_each_post_sends_the_next(sandbox_bot, broker):
    tweets = approved(sandbox_bot, [f"In the backlog, number {n}." for n in range(3)])
    waiting = Tweet.objects.exclude(message_sent_at=None).values_list("pk", flat=True)
    assert list(waiting) == [tweets[0].pk] and broker.llen("celery") == 1

    for n, tweet in enumerate(tweets):
        tasks.post_tweet(tweet.pk)
        assert Tweet.objects.get(pk=tweet.pk).state == State.POSTED
        assert broker.llen("celery") == min(n + 2, 3), "the post queued the one after it"


def test_a_tweet_approved_while_the_bot_is_posting_waits_for_that_post_to_send_it(
    sandbox_bot, broker
):
    (first,) = approved(sandbox_bot, ["Being sent now."])
    claimed = posting.claim_next(sandbox_bot.pk)
    assert claimed == first

    (second,) = approved(sandbox_bot, ["Approved meanwhile."])
    assert Tweet.objects.get(pk=second.pk).message_sent_at is None, "its message would be spent"
    assert broker.llen("celery") == 1

    posting.post_claimed(claimed, then=tasks._queue_next)
    assert Tweet.objects.get(pk=second.pk).message_sent_at is not None
    assert broker.llen("celery") == 2
    tasks.post_tweet(second.pk)
    assert Tweet.objects.get(pk=second.pk).state == State.POSTED


def test_the_sweep_sends_again_a_message_the_broker_lost_and_no_other(sandbox_bot, broker):
    lost, _behind = approved(sandbox_bot, ["Lost with the broker.", "Behind it."])
    broker.flushdb()
    assert tasks.sweep_tweets()["bots"] == 1
    assert broker.llen("celery") == 0, "a message sent a moment ago may still be on its way"

    Tweet.objects.filter(pk=lost.pk).update(message_sent_at=timezone.now() - timedelta(hours=1))
    tasks.sweep_tweets()
    assert broker.llen("celery") == 1
    assert Tweet.objects.get(pk=lost.pk).message_sent_at > timezone.now() - timedelta(minutes=1)
    tasks.sweep_tweets()
    assert broker.llen("celery") == 1


def test_a_claim_records_the_attempt_before_the_call_and_the_outcome_finishes_it(sandbox_bot):
    (tweet,) = [make_tweet(bot=sandbox_bot, text="On the record.", state=State.APPROVED)]
    claimed = posting.claim_next(sandbox_bot.pk)
    attempt = PostAttempt.objects.get(tweet=tweet)
    assert (attempt.number, attempt.outcome, attempt.finished_at) == (1, "", None)

    posting.post_claimed(claimed)
    attempt.refresh_from_db()
    assert attempt.outcome == PostAttempt.Outcome.POSTED and attempt.http_status == 201
    assert PostAttempt.objects.filter(tweet=tweet).count() == 1
