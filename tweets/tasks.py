"""Celery tasks for tweets: take an id, load the row, call a service. Messages carry ids
only; a lost message is found again by sweep_tweets, a duplicate one finds nothing to do.

One post_tweet message waits per bot: sending one stamps the tweet's message_sent_at by a
conditional UPDATE, and taking it clears the stamp (queue_post). A tweet that becomes due
sends one only when the bot has none waiting and nothing of it being sent (queue_for_bot);
each post's outcome queues the bot's next (post_tweet). So a backlog costs one task a
tweet: no message is taken while its bot is busy, only to be sent again.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bots.models import Bot
from tweets import drafting, expiry, notices, posting, reconciling
from tweets.models import GenerationJob, Tweet


@shared_task
def generate_drafts(job_id: int) -> None:
    """Run generation job N (tweets.drafting.run_generation_job): drafts plus progress."""
    job = GenerationJob.objects.select_related("bot").filter(pk=job_id).first()
    if job is not None:
        drafting.run_generation_job(job)


@shared_task
def post_tweet(tweet_id: int) -> None:
    """Post tweet N's bot's next due tweet: N itself when it is next in the bot's order.

    Claims with a lease, calls X, records the outcome (tweets.posting) and, in the same
    transaction, queues the bot's following due tweet unless a message for it waits
    already, so a backlog drains without waiting for the sweep or doubling its messages.
    """
    tweet = posting.claim_for_message(tweet_id)
    if tweet is not None:
        posting.post_claimed(tweet, then=_queue_next)


@shared_task
def reconcile_tweet(tweet_id: int) -> None:
    """Settle an `unknown` tweet against the bot's timeline (tweets.reconciling)."""
    tweet = Tweet.objects.filter(pk=tweet_id, state=Tweet.State.UNKNOWN).first()
    if tweet is None:
        return
    tweet = reconciling.reconcile(tweet)
    if tweet.state != Tweet.State.UNKNOWN:
        _queue_next(tweet.bot)


@shared_task
def sweep_tweets() -> dict:
    """Every minute (beat): reclaim dead leases, check unknowns, send due tweets whose
    message may have been lost (none sent, or sent a sweep ago and still not taken), and
    fail generation jobs whose worker was lost."""
    found = posting.sweep()
    found["abandoned_jobs"] = drafting.fail_abandoned_jobs(timezone.now())
    for tweet_id in found["reconcile"]:
        reconcile_tweet.delay(tweet_id)
    for bot_id in found["bots"]:
        _queue_next(bot_id, resend_after=timedelta(seconds=settings.SWEEP_INTERVAL_SECONDS))
    return {key: len(value) if isinstance(value, list) else value for key, value in found.items()}


@shared_task
def expire_tweets() -> dict:
    """Every EXPIRY_INTERVAL_SECONDS (beat): expire tweets that missed their slot and drafts
    past their bot's max age (tweets.expiry)."""
    return expiry.expire_tweets(now=timezone.now())


@shared_task
def send_notices() -> dict:
    """Every NOTICE_INTERVAL_SECONDS (beat): email owners once per new problem of a bot,
    close the notices of problems gone (tweets.notices)."""
    return notices.send_notices(timezone.now())


def queue_post(tweet_id: int, *, resend_after: timedelta | None = None) -> bool:
    """Send a post_tweet message for tweet N once the transaction commits, unless one waits
    already (rows written: Tweet.message_sent_at; task queued: post_tweet). With
    `resend_after`, a message sent that long ago and never taken counts as lost."""
    now = timezone.now()
    unsent = Q(message_sent_at=None)
    if resend_after is not None:
        unsent |= Q(message_sent_at__lt=now - resend_after)
    if not Tweet.objects.filter(unsent, pk=tweet_id).update(message_sent_at=now):
        return False
    post_tweet.delay_on_commit(tweet_id)
    return True


def queue_for_bot(bot_id: int) -> None:
    """A tweet of bot N became due (approved, moved, retried, released from waiting for a
    slot, or the bot's posting resumed): queue_post for the bot's next due tweet, unless a
    message for it waits already or a tweet of the bot holds the queue, whose outcome queues
    the next (rows written: Tweet.message_sent_at; task queued: post_tweet). Decided under
    the bot's row lock, as each outcome decides (tweets.posting): an outcome that could not
    yet see the new tweet is over before this looks, so the two cannot both leave it without
    a message."""
    with transaction.atomic():
        Bot.objects.select_for_update().filter(pk=bot_id).values_list("pk").first()
        if not Tweet.objects.filter(bot_id=bot_id).holding_queue().exists():
            _queue_next(bot_id)


def _queue_next(bot, *, resend_after: timedelta | None = None) -> None:
    """queue_post for the bot's (or bot id's) next due tweet, if it has none waiting."""
    due = Tweet.objects.filter(bot=bot).due(timezone.now())
    found = due.values_list("pk", "message_sent_at").first()
    if found is None:
        return
    pk, sent_at = found
    if sent_at is None or (resend_after is not None and sent_at < timezone.now() - resend_after):
        queue_post(pk, resend_after=resend_after)
