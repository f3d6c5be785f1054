"""Posting approved tweets exactly once, through crashes, restarts and a flaky API.

The row is the truth (DESIGN.md). A worker claims the bot's next due tweet with a lease,
records a PostAttempt, calls X, and writes the outcome. Anything ambiguous becomes `unknown`
and is reconciled against the bot's timeline before the text is ever sent again. A periodic
sweep finds work whose message was lost and leases whose worker died.
"""

import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from activity.services import record_activity
from bots.credentials import CredentialsUnreadable
from bots.models import Bot
from bots.tasks import check_credentials
from platforms import base, client_for
from tweets import budget, expiry
from tweets.models import PostAttempt, Tweet
from tweets.states import move_tweet, move_tweets, sources
from tweets.timeline import find_on_timeline

log = logging.getLogger(__name__)
State = Tweet.State
Outcome = PostAttempt.Outcome
# X keeps an uploaded image for 24 hours; an hour's margin covers a slow post.
MEDIA_ID_LIFETIME = timedelta(hours=23)


# 1. Claiming ----------------------------------------------------------------------------


def claim_next(bot_id: int, *, now=None) -> Tweet | None:
    """Claim the bot's next due tweet: approved -> posting with a lease, or None.

    The bot row is locked for the claim, so one bot has one tweet in flight, in order,
    within its daily cap and monthly budget, whichever worker asks. Tweets that missed their
    slot expire here rather than go out late (tweets.expiry); a tweet over the cap or the
    budget stays queued, and the hold is recorded once (rows written: Bot.budget_hold,
    Activity bot.posting_held / bot.posting_released).
    """
    now = now or timezone.now()
    with transaction.atomic():
        bot = Bot.objects.select_for_update().filter(pk=bot_id).first()
        if bot is None or not bot.can_post():
            return None
        # A tweet being sent or reconciled holds the queue: it may be on X already. An
        # unknown one left for a person (its timeline unreadable) does not.
        sending = bot.tweets.sending().exclude(state=State.UNKNOWN, next_attempt_at=None)
        if sending.exists():
            return None
        expiry.expire_missed_slots(now, bot_id=bot_id, actor="worker")
        tweet = bot.tweets.due(now).first()
        if tweet is None:
            return None
        refusal = budget.budget_for(bot, now).refusal(budget.post_cost(bot, tweet.text))
        _set_budget_hold(bot, refusal)
        if refusal:
            return None
        lease = now + timedelta(seconds=settings.TWEET_LEASE_SECONDS)
        fields = {"lease_until": lease, "attempt_count": F("attempt_count") + 1, "updated_at": now}
        if not move_tweet(tweet, State.POSTING, expect={State.APPROVED}, fields=fields):
            return None
    tweet.refresh_from_db()
    return tweet


def _set_budget_hold(bot: Bot, refusal: str) -> None:
    """Record a change of hold in the bot's log: once when the cap or budget starts holding
    the queue, once when it lets go (the bot row is locked by the claim)."""
    if refusal == bot.budget_hold:
        return
    Bot.objects.filter(pk=bot.pk).update(budget_hold=refusal)
    if refusal:
        record_activity(
            "bot.posting_held",
            message=f"Holding the queue. {refusal}",
            actor="worker",
            bot=bot,
        )
    else:
        record_activity(
            "bot.posting_released",
            message="Posting again: the next tweet fits the daily cap and monthly budget.",
            actor="worker",
            bot=bot,
        )
    bot.budget_hold = refusal


# 2. Posting -----------------------------------------------------------------------------


def post_claimed(tweet: Tweet) -> Tweet:
    """Send a claimed tweet to X and record what happened (rows written: PostAttempt, Tweet;
    the bot's attention flag on refused credentials or credit)."""
    attempt = PostAttempt.objects.create(
        tweet=tweet, number=tweet.attempt_count, started_at=timezone.now()
    )
    began = time.monotonic()
    client = None
    try:
        client = client_for(tweet.bot)
        media_ids = upload_media(client, tweet)
        post_id = client.post(
            tweet.text, media_ids=media_ids, reply_to=tweet.in_reply_to_post_id or None
        )
    except CredentialsUnreadable as error:
        _finish(attempt, began, Outcome.ERROR, None, str(error))
        _flag_bot(tweet.bot, str(error))
        _requeue(tweet, delay=timedelta(0), error=str(error))
    except base.DuplicateContent as error:
        _finish(attempt, began, Outcome.DUPLICATE, error.status, error.reason)
        _after_duplicate(tweet, error)
    except (base.Unauthorized, base.Forbidden) as error:
        outcome = Outcome.UNAUTHORIZED if error.status == 401 else Outcome.FORBIDDEN
        _finish(attempt, began, outcome, error.status, error.reason)
        _flag_bot(tweet.bot, error.reason)
        _fail(tweet, error.reason)
        _check_credentials_soon(tweet.bot)
    except base.RateLimited as error:
        _finish(attempt, began, Outcome.RATE_LIMITED, error.status, error.reason)
        wait = max(error.reset_at - timezone.now(), timedelta(seconds=1))
        _requeue(tweet, delay=wait, error=error.reason)
    except base.OutOfCredit as error:
        _finish(attempt, began, Outcome.OUT_OF_CREDIT, error.status, error.reason)
        # Paused first, so no other worker claims the requeued tweet in between.
        pause_for_credit(tweet.bot, reason=error.reason)
        _requeue(tweet, delay=timedelta(0), error=error.reason)
    except base.BadRequest as error:
        _finish(attempt, began, Outcome.ERROR, error.status, error.reason)
        _fail(tweet, error.reason)
    except base.Transient as error:
        if error.ambiguous:
            _finish(attempt, began, Outcome.AMBIGUOUS, error.status, error.reason)
            _mark_unknown(tweet, error.reason)
        else:
            _finish(attempt, began, Outcome.TRANSIENT, error.status, error.reason)
            _after_transient(tweet, error.reason)
    except Exception as error:
        # The outer edge: whatever broke, the request may have gone out, so reconcile first.
        log.exception("Posting tweet %s stopped unexpectedly", tweet.pk)
        reason = f"Posting stopped with an internal error ({type(error).__name__})."
        _finish(attempt, began, Outcome.AMBIGUOUS, None, reason)
        _mark_unknown(tweet, reason)
    else:
        _finish(attempt, began, Outcome.POSTED, 201, "")
        _mark_posted(tweet, post_id)
    if client is not None:
        record_daily_limits(tweet.bot, client.last_limits)
    tweet.refresh_from_db()
    return tweet


def record_daily_limits(bot: Bot, limits: base.Limits) -> None:
    """Keep what X last reported of the bot's 24-hour posting limit (rows written: Bot)."""
    if limits.daily_limit is None:
        return
    Bot.objects.filter(pk=bot.pk).update(
        x_daily_limit=limits.daily_limit,
        x_daily_remaining=limits.daily_remaining,
        x_daily_reset_at=limits.daily_reset_at,
    )


def pause_for_credit(bot: Bot, *, reason: str) -> None:
    """X answered 402: hold the bot's posting until a person tops up and resumes it
    (rows written: Bot.out_of_credit_reason, Activity bot.out_of_credit, once)."""
    with transaction.atomic():
        if Bot.objects.filter(pk=bot.pk, out_of_credit_reason="").update(
            out_of_credit_reason=reason
        ):
            record_activity(
                "bot.out_of_credit",
                message="Paused posting: the X account ran out of API credit (402). Top up "
                "X credit, then resume posting; queued tweets wait.",
                actor="worker",
                bot=bot,
            )
    bot.out_of_credit_reason = reason


def upload_media(client, tweet: Tweet) -> list[str]:
    """The media ids of the tweet's images, in order: uploaded with their alt text, or
    reused from an earlier attempt while X still holds them (rows written: TweetImage)."""
    media_ids = []
    now = timezone.now()
    for link in tweet.tweetimage_set.select_related("image").order_by("position"):
        if not (link.media_id and link.media_expires_at and link.media_expires_at > now):
            link.media_id = client.upload_image(link.image.image.path, link.image.alt_text)
            link.media_expires_at = now + MEDIA_ID_LIFETIME
            link.save(update_fields=["media_id", "media_expires_at"])
        media_ids.append(link.media_id)
    return media_ids


def _finish(attempt, began, outcome, status, error) -> None:
    attempt.finished_at = timezone.now()
    attempt.duration_ms = int((time.monotonic() - began) * 1000)
    attempt.outcome = outcome
    attempt.http_status = status
    attempt.error = error or ""
    attempt.save()


def _leave_posting(tweet: Tweet, to: str, *, fields: dict, **activity) -> bool:
    """Write the outcome only while the tweet is still posting (nobody reclaimed it)."""
    fields = {"lease_until": None, **fields}
    return move_tweet(tweet, to, expect={State.POSTING}, fields=fields, actor="worker", **activity)


def posted_fields(tweet: Tweet, post_id: str) -> dict:
    """What a row holds once its tweet is on X as `post_id`, however that was learned."""
    return {
        "x_post_id": post_id,
        "posted_at": timezone.now(),
        "last_error": "",
        "timeline_refused_at": None,
        "cost_usd": budget.post_cost(tweet.bot, tweet.text),
    }


def _mark_posted(tweet: Tweet, post_id: str) -> bool:
    """Posted as `post_id`, unless another tweet of the bot holds that post (the unique
    posted (bot, post id)): then nothing is written and False says so."""
    # From any state: our lease may have been reclaimed meanwhile, and X's answer is the truth.
    try:
        return move_tweet(
            tweet,
            State.POSTED,
            expect=sources(State.POSTED),
            fields={"lease_until": None, **posted_fields(tweet, post_id)},
            action="posted",
            message=f"Posted on X as {post_id}.",
            actor="worker",
            post_id=post_id,
        )
    except IntegrityError:
        log.error("Post %s of tweet %s is held by another tweet", post_id, tweet.pk)
        return False


def _fail(tweet: Tweet, reason: str) -> None:
    _leave_posting(
        tweet,
        State.FAILED,
        fields={"last_error": reason, "next_attempt_at": None},
        action="failed",
        message=f"Posting failed: {reason}",
    )


def _requeue(tweet: Tweet, *, delay: timedelta, error: str) -> None:
    _leave_posting(
        tweet,
        State.APPROVED,
        fields={"next_attempt_at": timezone.now() + delay, "last_error": error},
    )


def _mark_unknown(tweet: Tweet, reason: str) -> None:
    note = f"{reason} It may have been posted; checking the timeline before retrying."
    _leave_posting(
        tweet,
        State.UNKNOWN,
        fields={
            "last_error": note,
            "next_attempt_at": timezone.now() + timedelta(seconds=reconcile_delay()),
        },
        action="unknown",
        message=note,
    )


def _after_transient(tweet: Tweet, reason: str) -> None:
    failures = tweet.attempts.filter(outcome=Outcome.TRANSIENT).count()
    if failures >= settings.TWEET_MAX_TRANSIENT_ATTEMPTS:
        _fail(tweet, f"{reason} Gave up after {failures} attempts; retry when X is healthy.")
        return
    _requeue(tweet, delay=backoff(failures), error=reason)


def backoff(failures: int) -> timedelta:
    """Exponential backoff with full jitter: no retry storm when X stumbles for everyone."""
    ceiling = min(
        settings.TWEET_BACKOFF_MAX_SECONDS, settings.TWEET_BACKOFF_BASE_SECONDS * 2**failures
    )
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def reconcile_delay() -> float:
    return min(settings.TWEET_RECONCILE_GRACE_SECONDS / 4, 30)


def _after_duplicate(tweet: Tweet, error) -> None:
    """X refused the text as a duplicate: the tweet's own post when an earlier attempt made
    it (found by identity), else a failure that names the tweet whose post it repeats."""
    found = find_on_timeline(tweet)
    if found and _mark_posted(tweet, found):
        return
    earlier = (
        tweet.bot.tweets.filter(state=State.POSTED, text=tweet.text)
        .exclude(pk=tweet.pk)
        .order_by("-posted_at")
        .first()
    )
    if earlier is not None:
        when = timezone.localtime(earlier.posted_at)
        _fail(
            tweet,
            f"X refused it as a duplicate of tweet {earlier.pk}, posted {when:%d %b %Y, %H:%M} "
            f"as {earlier.x_post_id}. Edit the text and retry.",
        )
        return
    _fail(
        tweet,
        "X refused this text as a duplicate of one of the bot's earlier posts. "
        "Edit the text and retry.",
    )


def _flag_bot(bot: Bot, reason: str) -> None:
    """The credentials were refused: hold the bot's queue for a person (rows written: Bot,
    Activity bot.credentials_failed when newly refused)."""
    with transaction.atomic():
        if (
            Bot.objects.filter(pk=bot.pk)
            .exclude(attention_reason=reason)
            .update(attention_reason=reason)
        ):
            record_activity(
                "bot.credentials_failed",
                message=f"Credentials failed while posting: {reason} Reconnect the bot.",
                actor="worker",
                bot=bot,
            )
    bot.attention_reason = reason


def _check_credentials_soon(bot: Bot) -> None:
    """A 401/403 while posting: have a worker check the credentials themselves."""
    check_credentials.delay_on_commit(bot.pk)


# 3. Reconciling -------------------------------------------------------------------------


def reconcile(tweet: Tweet) -> Tweet:
    """Settle an `unknown` tweet: posted if the timeline has its post, else queued again once
    the grace period has passed. A refused timeline read waits for the bot's credentials to
    be verified (the sweep checks again then) or for a person to settle it from its card."""
    attempt_started = timezone.now()
    if tweet.bot.tweets.filter(state=State.POSTING).exclude(pk=tweet.pk).exists():
        # Another tweet's post may be on X without its id in our rows yet: check after it.
        _still_unknown(tweet, next_attempt_at=timezone.now() + timedelta(seconds=reconcile_delay()))
        return tweet
    try:
        found = find_on_timeline(tweet)
    except (base.Unauthorized, base.Forbidden) as error:
        _still_unknown(
            tweet,
            next_attempt_at=None,
            timeline_refused_at=timezone.now(),
            last_error=f"The bot's timeline cannot be read ({error.reason}) so Aviary cannot "
            "tell whether this was posted. It is checked again once the bot's credentials are "
            "verified; or check the profile and settle it here: “On X: mark posted” with the "
            "post's link, or “Not on X: post again”.",
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


# 4. Sweeping ----------------------------------------------------------------------------


def sweep(now=None) -> dict:
    """Find work a lost message or a dead worker left behind.

    Expired leases become `unknown` (the worker may have posted before dying); returns the
    bots with due tweets and the unknown tweets due a check (their next check has come, or
    their timeline read was refused and the bot's credentials were verified since), for the
    caller to enqueue.
    """
    now = now or timezone.now()
    expired = move_tweets(
        Tweet.objects.filter(lease_until__lt=now),
        State.UNKNOWN,
        expect={State.POSTING},
        fields={
            "lease_until": None,
            "next_attempt_at": now,
            "last_error": "The worker stopped while posting; checking the timeline before "
            "retrying.",
            "updated_at": now,
        },
    )
    # Due a check, or refused a timeline read and verified since (bots.services.verify_bot).
    verified_since = Q(next_attempt_at=None, timeline_refused_at__lt=F("bot__verified_at"))
    to_reconcile = list(
        Tweet.objects.filter(state=State.UNKNOWN)
        .filter(Q(next_attempt_at__lte=now) | verified_since)
        .values_list("pk", flat=True)
    )
    bots_due = list(
        Tweet.objects.due(now)
        .filter(bot__in=Bot.objects.may_post())
        .order_by()
        .values_list("bot_id", flat=True)
        .distinct()
    )
    return {"expired": expired, "reconcile": to_reconcile, "bots": bots_due}
