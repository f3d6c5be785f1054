"""Expiry: a tweet approved for a time slot that passed without it going out, or a draft left
unapproved past its bot's max age, becomes `expired` with the reason, instead of going out
late or lingering in the review queue.

Which approved tweets miss their slot: those with a `scheduled_for` more than
TWEET_SLOT_GRACE_MINUTES ago that were never sent (attempt_count 0): nothing claimed them in
time (bot paused, daily cap or budget reached, credit ran out, no worker). A tweet that has
been sent at least once is in the pipeline's own retry policy (a rate limit's reset, a
backoff, a reconcile), which decides when it goes or fails; expiring it there would race a
retry X may already have half-taken. Tweets queued "now" have no slot and never expire.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from bots.models import Bot
from tweets.models import Tweet
from tweets.states import move_tweet

State = Tweet.State


def slot_grace() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TWEET_SLOT_GRACE_MINUTES)


def missed_slots(now: datetime.datetime):
    """Approved tweets whose slot passed more than the grace ago, never sent."""
    return Tweet.objects.filter(
        state=State.APPROVED, scheduled_for__lt=now - slot_grace(), attempt_count=0
    )


def expire_missed_slots(
    now: datetime.datetime, *, bot_id: int | None = None, actor: str = "schedule"
) -> int:
    """Expire approved tweets that missed their slot (rows written: Tweet, Activity)."""
    tweets = missed_slots(now)
    if bot_id is not None:
        tweets = tweets.filter(bot_id=bot_id)
    expired = 0
    for tweet in tweets.select_related("bot").order_by("pk"):
        slot = date_format(timezone.localtime(tweet.scheduled_for), "D j M, H:i")
        reason = (
            f"Missed its slot: approved for {slot} but not posted within "
            f"{settings.TWEET_SLOT_GRACE_MINUTES} minutes, so it was not sent late."
        )
        expired += expire_tweet(
            tweet, reason=reason, now=now, from_state=State.APPROVED, actor=actor
        )
    return expired


def expire_old_drafts(now: datetime.datetime) -> int:
    """Expire drafts older than their bot's draft_max_age_hours (rows written: Tweet,
    Activity). A max age reaching back before year 1 (a row from before the form's bound)
    means nothing of that bot is old enough: it is passed over, the other bots go on."""
    expired = 0
    for bot in Bot.objects.filter(draft_max_age_hours__isnull=False).order_by("pk"):
        hours = bot.draft_max_age_hours
        try:
            cutoff = now - datetime.timedelta(hours=hours)
        except OverflowError:
            continue
        old = Tweet.objects.filter(bot=bot, state=State.DRAFT, created_at__lt=cutoff)
        for tweet in old.order_by("pk"):
            reason = (
                f"Not approved within {hours} hour{'s' if hours != 1 else ''} "
                "(the bot's draft max age)."
            )
            expired += expire_tweet(tweet, reason=reason, now=now, from_state=State.DRAFT)
    return expired


def expire_tweet(
    tweet: Tweet,
    *,
    reason: str,
    now: datetime.datetime,
    from_state: str,
    actor: str = "schedule",
) -> bool:
    """Move one tweet to expired if it is still in `from_state` (and, when approved, still
    unsent); records tweet.expired. Returns whether it moved."""
    return move_tweet(
        tweet,
        State.EXPIRED,
        expect={from_state},
        when={"attempt_count": 0} if from_state == State.APPROVED else None,
        fields={"last_error": reason, "next_attempt_at": None, "updated_at": now},
        action="expired",
        message=f"Expired a tweet. {reason}",
        actor=actor,
        reason=reason,
    )


def expire_tweets(*, now: datetime.datetime) -> dict[str, int]:
    """Both kinds of expiry, as the beat task runs them; idempotent."""
    return {"missed_slots": expire_missed_slots(now), "old_drafts": expire_old_drafts(now)}
