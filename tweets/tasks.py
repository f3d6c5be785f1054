"""Celery tasks for tweets: take an id, load the row, call a service. Messages carry ids
only; a lost message is found again by sweep_tweets, a duplicate one finds nothing to do."""

from celery import shared_task
from django.utils import timezone

from tweets import drafting, expiry, posting
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

    Claims with a lease, calls X, records the outcome (tweets.posting), then queues the
    bot's following due tweet so a backlog drains without waiting for the sweep.
    """
    bot_id = Tweet.objects.filter(pk=tweet_id).values_list("bot_id", flat=True).first()
    if bot_id is None:
        return
    tweet = posting.claim_next(bot_id)
    if tweet is None:
        return
    posting.post_claimed(tweet)
    _queue_next(bot_id)


@shared_task
def reconcile_tweet(tweet_id: int) -> None:
    """Settle an `unknown` tweet against the bot's timeline (tweets.posting.reconcile)."""
    tweet = Tweet.objects.filter(pk=tweet_id, state=Tweet.State.UNKNOWN).first()
    if tweet is None:
        return
    tweet = posting.reconcile(tweet)
    if tweet.state != Tweet.State.UNKNOWN:
        _queue_next(tweet.bot_id)


@shared_task
def sweep_tweets() -> dict:
    """Every minute (beat): reclaim dead leases, check unknowns, send due tweets whose
    message may have been lost, and fail generation jobs whose worker was lost."""
    found = posting.sweep()
    found["abandoned_jobs"] = drafting.fail_abandoned_jobs(timezone.now())
    for tweet_id in found["reconcile"]:
        reconcile_tweet.delay(tweet_id)
    for bot_id in found["bots"]:
        _queue_next(bot_id)
    return {key: len(value) if isinstance(value, list) else value for key, value in found.items()}


@shared_task
def expire_tweets() -> dict:
    """Every EXPIRY_INTERVAL_SECONDS (beat): expire tweets that missed their slot and drafts
    past their bot's max age (tweets.expiry)."""
    return expiry.expire_tweets(now=timezone.now())


def _queue_next(bot_id: int) -> None:
    next_id = (
        Tweet.objects.filter(bot_id=bot_id).due(timezone.now()).values_list("pk", flat=True).first()
    )
    if next_id is not None:
        post_tweet.delay(next_id)
