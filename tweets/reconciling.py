"""Settling an `unknown` tweet: X may have it, so its bot's timeline is read (by identity,
tweets.timeline) before the text is ever sent again; found means posted, not found after
the grace period means queued again. Where the network answers a repeat of the post's key
with the first post (Mastodon's Idempotency-Key, within its window), it is simply sent
again."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bots.credentials import CredentialsUnreadable
from bots.spend import hold_reads
from platforms import base, label_of, rules_for
from tweets.models import PostAttempt, Tweet
from tweets.posting import posted_fields, reconcile_delay
from tweets.states import move_tweet
from tweets.timeline import find_on_timeline

State = Tweet.State
Outcome = PostAttempt.Outcome


def reconcile(tweet: Tweet) -> Tweet:
    """Settle an `unknown` tweet: posted if the timeline has its post, else queued again once
    the grace period has passed; while a budget holds the bot's reads, it waits unread
    (bots.spend.hold_reads). A refused timeline read waits for the bot's credentials to
    be verified (the sweep checks again then) or for a person to settle it from its card."""
    attempt_started = timezone.now()
    if held := hold_reads(tweet.bot):
        # Reading the timeline costs; it waits for the budget, as the tweet's retry does.
        _still_unknown(
            tweet,
            next_attempt_at=timezone.now() + timedelta(seconds=reconcile_delay()),
            last_error=f"Not checked on the timeline yet. {held}",
        )
        return tweet
    if tweet.bot.tweets.filter(state=State.POSTING).exclude(pk=tweet.pk).exists():
        # Another tweet's post may be on X without its id in our rows yet: check after it.
        _still_unknown(tweet, next_attempt_at=timezone.now() + timedelta(seconds=reconcile_delay()))
        return tweet
    if _key_still_held(tweet):
        move_tweet(
            tweet,
            State.APPROVED,
            expect={State.UNKNOWN},
            fields={
                "next_attempt_at": timezone.now(),
                "timeline_refused_at": None,
                "last_error": "The network answers this post's key with the first post, if "
                "there was one: sending it again.",
            },
        )
        tweet.refresh_from_db()
        return tweet
    try:
        found = find_on_timeline(tweet)
    except (base.Unauthorized, base.Forbidden) as error:
        network = label_of(tweet.bot.network)
        _still_unknown(
            tweet,
            next_attempt_at=None,
            timeline_refused_at=timezone.now(),
            last_error=f"The bot's timeline cannot be read ({error.reason}) so Aviary cannot "
            "tell whether this was posted. It is checked again once the bot's credentials are "
            f"verified; or check the profile and settle it here: “On {network}: mark posted” "
            f"with the post's link, or “Not on {network}: post again”.",
        )
        return tweet
    except (base.PlatformError, CredentialsUnreadable) as error:
        _still_unknown(
            tweet,
            next_attempt_at=timezone.now() + timedelta(seconds=reconcile_delay()),
            last_error=f"Checking the timeline failed ({error}); will check again.",
        )
        return tweet
    if found:
        _mark_reconciled(tweet, found, started_at=attempt_started)
    elif _grace_passed(tweet):
        move_tweet(
            tweet,
            State.APPROVED,
            expect={State.UNKNOWN},
            fields={
                "next_attempt_at": timezone.now(),
                "timeline_refused_at": None,
                "last_error": "Not found on the timeline after the grace period: posting again.",
            },
        )
    else:
        _still_unknown(
            tweet,
            next_attempt_at=timezone.now() + timedelta(seconds=reconcile_delay()),
            timeline_refused_at=None,
        )
    tweet.refresh_from_db()
    return tweet


def _mark_reconciled(tweet: Tweet, found: str, *, started_at) -> None:
    """Found on the timeline: posted as `found` with the evidence kept, unless another tweet
    took that post meanwhile (then it is checked again)."""
    try:
        with transaction.atomic():
            moved = move_tweet(
                tweet,
                State.POSTED,
                expect={State.UNKNOWN},
                fields=posted_fields(tweet, found),
                action="reconciled",
                message=f"Found on the bot's timeline as {found}: it was posted.",
                actor="worker",
                post_id=found,
            )
            if moved:
                PostAttempt.objects.create(
                    tweet=tweet,
                    number=tweet.attempt_count,
                    started_at=started_at,
                    finished_at=timezone.now(),
                    outcome=Outcome.RECONCILED,
                    error=f"Found on the timeline as {found}.",
                )
    except IntegrityError:
        _still_unknown(tweet, next_attempt_at=timezone.now() + timedelta(seconds=reconcile_delay()))


def _still_unknown(tweet: Tweet, **fields) -> None:
    """Keep an unknown tweet unknown with new timings (updated_at untouched: the grace
    counts from the last attempt, or from the row's last change of state)."""
    move_tweet(tweet, None, expect={State.UNKNOWN}, fields=fields)


def _grace_passed(tweet: Tweet) -> bool:
    last = tweet.attempts.order_by("-number", "-started_at").first()
    started = last.started_at if last else tweet.updated_at
    return timezone.now() - started >= timedelta(seconds=settings.TWEET_RECONCILE_GRACE_SECONDS)


def _key_still_held(tweet: Tweet) -> bool:
    """True while the network would answer the tweet's post key with the post it may have
    made: the first attempt is within the network's idempotency window."""
    window = rules_for(tweet.bot).idempotency_window
    if not window:
        return False
    first = tweet.attempts.order_by("number", "started_at").first()
    return first is not None and timezone.now() - first.started_at < window
