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
from django.db.models import F, Q, Subquery
from django.utils import timezone

from activity.services import record_activity
from bots import spend
from bots.connecting import network_name
from bots.credentials import CredentialsUnreadable
from bots.models import Bot
from bots.tasks import check_credentials
from platforms import base, client_for
from tweets import budget, expiry, flock, links
from tweets.models import PostAttempt, Tweet
from tweets.queue_head import head_of_queue
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
    Activity bot.posting_held / bot.posting_released). A claim writes the tweet and its
    PostAttempt (started) in one transaction of four statements in the common path: the
    lock, one query of the head of the queue with everything the checks need, and the two
    writes.
    """
    return _claim(Bot.objects.filter(pk=bot_id), now=now or timezone.now(), taken=None)


def claim_for_message(tweet_id: int, *, now=None) -> Tweet | None:
    """A post_tweet message naming tweet N was taken: claim N's bot's next due tweet, as
    claim_next, and note that N's message is spent (Tweet.message_sent_at), so that the
    next post of the bot, or the sweep, may send it another."""
    bot = Bot.objects.filter(pk=Subquery(Tweet.objects.filter(pk=tweet_id).values("bot_id")))
    return _claim(bot, now=now or timezone.now(), taken=tweet_id)


def _claim(bots, *, now, taken: int | None) -> Tweet | None:
    with transaction.atomic():
        bot = next(iter(bots.select_for_update().order_by()[:1]), None)
        tweet = _claimable(bot, now) if bot is not None else None
        if tweet is not None:
            fields = {
                "lease_until": now + timedelta(seconds=settings.TWEET_LEASE_SECONDS),
                # The bot's lock is held: no other claim counts this tweet's attempts.
                "attempt_count": tweet.attempt_count + 1,
                "updated_at": now,
                "message_sent_at": None,
            }
            if not move_tweet(
                tweet, State.POSTING, expect={State.APPROVED}, fields=fields, savepoint=False
            ):
                tweet = None
        if taken is not None and (tweet is None or tweet.pk != taken):
            Tweet.objects.filter(pk=taken).update(message_sent_at=None)
        if tweet is None:
            return None
        PostAttempt.objects.create(tweet=tweet, number=tweet.attempt_count, started_at=now)
    tweet.bot = bot
    return tweet


def _claimable(bot: Bot, now) -> Tweet | None:
    """The head of the bot's queue if it may go now: the bot may post, nothing of its holds
    the queue, and the head fits the daily cap and the monthly budget."""
    if not bot.can_post():
        return None
    head = head_of_queue(bot, now)
    if head is not None and head.missed_slots:
        expiry.expire_missed_slots(now, bot_id=bot.pk, actor="worker")
        head = head_of_queue(bot, now)
    if head is None or head.queue_held:
        return None
    refusal = budget.claim_refusal(bot, head, now)
    _set_budget_hold(bot, refusal)
    return None if refusal else head


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


def post_claimed(tweet: Tweet, *, then=None) -> Tweet:
    """Send a claimed tweet to X and record what happened (rows written: PostAttempt, Tweet;
    the bot's attention flag on refused credentials or credit).

    A post is recorded in one transaction, under the bot's row lock as claims take it: the
    attempt, the tweet, its Activity, the month's spend, X's daily limits, and `then(bot)`
    when given (tasks.post_tweet queues the bot's next tweet there, so no claim can slip
    between the outcome and that decision). Other outcomes run `then` afterwards the same
    way, in a transaction of their own.
    """
    began = time.monotonic()
    client = None
    try:
        if refusal := flock.sending_refusal(tweet):
            raise base.BadRequest(refusal)
        # The post itself is counted with the tweet's move to posted (budget.count_spend).
        client = client_for(tweet.bot, on_call=spend.recorder(tweet.bot, posts=False))
        # The claim's annotation spares a query for the common tweet without images.
        media_ids = upload_media(client, tweet) if getattr(tweet, "has_images", True) else []
        post_id = client.post(
            tweet.text,
            media_ids=media_ids,
            reply_to=tweet.in_reply_to_post_id or None,
            key=tweet.post_key(),
        )
    except CredentialsUnreadable as error:
        _finish(tweet, began, Outcome.ERROR, None, str(error))
        _flag_bot(tweet.bot, str(error))
        _requeue(tweet, delay=timedelta(0), error=str(error))
    except base.DuplicateContent as error:
        _finish(tweet, began, Outcome.DUPLICATE, error.status, error.reason)
        _after_duplicate(tweet, error)
    except base.ReplyRefused as error:
        # X refused this one reply (its post's author never summoned the bot): the account
        # is fine, so the tweet fails and nothing is flagged.
        _finish(tweet, began, Outcome.FORBIDDEN, error.status, error.reason)
        _fail(tweet, error.reason)
    except (base.Unauthorized, base.Forbidden) as error:
        outcome = Outcome.UNAUTHORIZED if error.status == 401 else Outcome.FORBIDDEN
        _finish(tweet, began, outcome, error.status, error.reason)
        _flag_bot(tweet.bot, error.reason)
        _fail(tweet, error.reason)
        _check_credentials_soon(tweet.bot)
    except base.RateLimited as error:
        _finish(tweet, began, Outcome.RATE_LIMITED, error.status, error.reason)
        wait = max(error.reset_at - timezone.now(), timedelta(seconds=1))
        _requeue(tweet, delay=wait, error=error.reason)
    except base.OutOfCredit as error:
        _finish(tweet, began, Outcome.OUT_OF_CREDIT, error.status, error.reason)
        # Paused first, so no other worker claims the requeued tweet in between.
        pause_for_credit(tweet.bot, reason=error.reason)
        _requeue(tweet, delay=timedelta(0), error=error.reason)
    except base.BadRequest as error:
        _finish(tweet, began, Outcome.ERROR, error.status, error.reason)
        _fail(tweet, error.reason)
    except base.Transient as error:
        if error.ambiguous:
            _finish(tweet, began, Outcome.AMBIGUOUS, error.status, error.reason)
            _mark_unknown(tweet, error.reason)
        else:
            _finish(tweet, began, Outcome.TRANSIENT, error.status, error.reason)
            _after_transient(tweet, error.reason)
    except Exception as error:
        # The outer edge: whatever broke, the request may have gone out, so reconcile first.
        log.exception("Posting tweet %s stopped unexpectedly", tweet.pk)
        reason = f"Posting stopped with an internal error ({type(error).__name__})."
        _finish(tweet, began, Outcome.AMBIGUOUS, None, reason)
        _mark_unknown(tweet, reason)
    else:
        if _record_post(tweet, post_id, client.last_limits, began, then=then):
            return tweet
    with transaction.atomic():
        _lock_bot(tweet.bot, client.last_limits if client is not None else None)
        if then is not None:
            then(tweet.bot)
    tweet.refresh_from_db()
    return tweet


def _record_post(tweet: Tweet, post_id: str, limits, began, *, then) -> bool:
    """X took the post: record it in one transaction (post_claimed). False when another
    tweet of the bot holds that post: only the attempt is recorded then, and the tweet's
    lease runs out into a reconcile."""
    try:
        with transaction.atomic():
            _lock_bot(tweet.bot, limits)
            _finish(tweet, began, Outcome.POSTED, 201, "")
            _mark_posted(tweet, post_id, savepoint=False)
            links.queue_link_reply(tweet, post_id)
            if then is not None:
                then(tweet.bot)
        return True
    except IntegrityError:
        log.error("Post %s of tweet %s is held by another tweet", post_id, tweet.pk)
        _finish(tweet, began, Outcome.POSTED, 201, "")
        return False


def _lock_bot(bot: Bot, limits: base.Limits | None) -> None:
    """Take the bot's row lock for an outcome, writing what X last reported of its 24-hour
    posting limit on the way when it did (one statement either way)."""
    if limits is not None and limits.daily_limit is not None:
        record_daily_limits(bot, limits)
    else:
        Bot.objects.select_for_update().filter(pk=bot.pk).values_list("pk").first()


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


def _finish(tweet: Tweet, began, outcome, status, error) -> None:
    """Write the outcome into the attempt the claim started (one UPDATE), or record the
    whole attempt when the tweet was claimed without one."""
    finished = {
        "finished_at": timezone.now(),
        "duration_ms": int((time.monotonic() - began) * 1000),
        "outcome": outcome,
        "http_status": status,
        "error": error or "",
    }
    started = PostAttempt.objects.filter(tweet=tweet, number=tweet.attempt_count, outcome="")
    if not started.update(**finished):
        PostAttempt.objects.create(
            tweet=tweet, number=tweet.attempt_count, started_at=timezone.now(), **finished
        )


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
        "cost_usd": budget.post_cost(tweet.bot, tweet.text, reply=bool(tweet.in_reply_to_post_id)),
    }


def _mark_posted(tweet: Tweet, post_id: str, *, savepoint: bool = True) -> bool:
    """Posted as `post_id`, unless another tweet of the bot holds that post (the unique
    posted (bot, post id)): then nothing is written and False says so (without a
    savepoint, the IntegrityError goes to the caller, whose transaction it spoils)."""
    # From any state: our lease may have been reclaimed meanwhile, and X's answer is the truth.
    try:
        return move_tweet(
            tweet,
            State.POSTED,
            expect=sources(State.POSTED),
            fields={"lease_until": None, **posted_fields(tweet, post_id)},
            action="posted",
            message=f"Posted on {network_name(tweet.bot.platform)} as {post_id}.",
            actor="worker",
            post_id=post_id,
            savepoint=savepoint,
        )
    except IntegrityError:
        if not savepoint:
            raise
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


# 3. Sweeping ----------------------------------------------------------------------------


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
