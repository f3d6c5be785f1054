"""State changes of tweets made by people and schedules: generate, edit, approve, reject,
post now, retry, and settle an unknown tweet (on X: mark posted; not on X: post again).
Posting itself lives in tweets.posting, drafting in tweets.drafting.

Each transition is one conditional UPDATE on the row's state (tweets.states), so two people
(or a person and the pipeline) acting at once cannot both win; the loser gets
InvalidTransition.
"""

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.services import record_activity
from bots.credentials import CredentialsUnreadable
from bots.groups import GroupOutcome, bots_phrase, members_for
from bots.models import Bot, BotGroup, BotImage
from bots.schedule import awaits_slot
from bots.zones import bot_local
from platforms import base, client_for, label_of, rules_for
from platforms.x import rules as x_rules
from tweets import flock, links, posting
from tweets.generation import CannotGenerate, generate_texts
from tweets.images import attach_images
from tweets.models import GenerationJob, Tweet
from tweets.states import InvalidTransition, move_tweet
from tweets.tasks import generate_drafts as generate_task
from tweets.tasks import queue_for_bot

State = Tweet.State


class InvalidText(ValueError):
    """The text breaks the network's rules (empty, over its length as it counts, or a
    character it refuses)."""


class InvalidPost(ValueError):
    """The post a person named cannot be this tweet's: another tweet holds it, or it is not
    one of the bot's posts on its network."""


# The @addresses a reply begins with (Rules.reply_address): kept when it is regenerated.
_ADDRESS = re.compile(r"(?:@\S+\s+)*")


def request_generation(bot: Bot, *, count: int, seed: str = "", by=None) -> GenerationJob:
    """Ask a worker for `count` drafts (rows written: GenerationJob; task queued:
    tweets.tasks.generate_drafts once the transaction commits)."""
    job = GenerationJob.objects.create(bot=bot, count=count, seed_word=seed, requested_by=by)
    generate_task.delay_on_commit(job.pk)
    return job


def regenerate_tweet(tweet: Tweet, *, by=None) -> Tweet:
    """Replace a draft's text with a fresh sentence (same seed word; a reply keeps the
    @address it begins with). Raises CannotGenerate."""
    address = _ADDRESS.match(tweet.text).group() if tweet.in_reply_to_post_id else ""
    generated = generate_texts(tweet.bot, count=1, seed=tweet.seed_word, address=address)
    if not generated.texts:
        raise CannotGenerate("No new sentence came out this time; try again.")
    _move(
        tweet,
        None,
        expect={State.DRAFT},
        fields={"text": generated.texts[0]},
        action="regenerated",
        message="Replaced a draft's text with a new sentence.",
        by=by,
        before=tweet.text,
    )
    return tweet


def validate_text(text: str, *, bot: Bot | None = None) -> str:
    """The text, stripped, if the bot's network would accept it as a post (X's rules, which
    the sandbox shares, where no bot is known); else InvalidText saying why, in the
    network's own terms."""
    rules, network = (rules_for(bot), label_of(bot.network)) if bot else (x_rules.RULES, "X")
    text = text.strip()
    if not text:
        raise InvalidText("A post needs some text.")
    if rules.is_valid(text):
        return text
    length = rules.weighted_length(text)
    if length > rules.max_length:
        raise InvalidText(
            f"The text is {length} characters as {network} counts them; "
            f"the limit is {rules.max_length}."
        )
    raise InvalidText(
        f"The text holds a character {network} refuses (an invisible U+FEFF, U+FFFE or "
        "U+FFFF): retype the text around it."
    )


def _check_flock_rules(tweet: Tweet, *, text: str | None = None) -> None:
    """InvalidText when X's rules across the flock refuse the tweet (with `text`, when its
    text is about to change; tweets.flock): the same text as another bot's on its network,
    or an @-mention of a do-not-reply account."""
    if refusal := flock.queue_refusal(tweet, text=text):
        raise InvalidText(refusal)


def edit_tweet(tweet: Tweet, *, text: str, by=None) -> Tweet:
    """Replace a draft's (or failed or expired tweet's) text, re-validated by X's rules."""
    text = validate_text(text, bot=tweet.bot)
    _move(
        tweet,
        None,
        expect={State.DRAFT, State.FAILED, State.EXPIRED},
        fields={"text": text},
        action="edited",
        message="Edited the text.",
        by=by,
        before=tweet.text,
    )
    return tweet


def approve_tweet(tweet: Tweet, *, by, at: datetime | None = None, actor: str = "system") -> Tweet:
    """Queue a draft for posting now, or at `at`, or (a review-first bot with a schedule)
    at its next free slot (rows written: Tweet; task queued: tweets.tasks.post_tweet once
    the transaction commits, unless it waits for a time or a slot)."""

    validate_text(tweet.text, bot=tweet.bot)
    linked = links.link_fields(tweet)
    _check_flock_rules(tweet, text=linked.get("text"))
    now = timezone.now()
    if at is not None and at < now - timezone.timedelta(minutes=1):
        raise InvalidTransition("That time has passed: choose a time in the future.")
    # Replies answer a mention now; only the bot's own posts wait for its slots.
    waits = at is None and not tweet.in_reply_to_post_id and awaits_slot(tweet.bot)
    if at is not None:
        note = f"Approved for {_on_bot_clock(at, tweet.bot)}."
    elif waits:
        note = "Approved; it goes out at the bot's next scheduled slot."
    else:
        note = "Approved to post now."
    _move(
        tweet,
        State.APPROVED,
        expect={State.DRAFT},
        fields={
            "approved_by": by,
            "approved_at": now,
            "scheduled_for": at,
            "next_attempt_at": at or now,
            "awaits_slot": waits,
            "last_error": "",
            **linked,
        },
        action="approved",
        message=note,
        by=by,
        actor=actor,
    )
    _enqueue_if_due(tweet)
    return tweet


def compose_tweet(
    bot: Bot,
    *,
    text: str,
    by,
    images: list[BotImage] = (),
    in_reply_to_post_id: str = "",
    approve: bool = False,
    at: datetime | None = None,
) -> Tweet:
    """A post a person wrote for `bot`, as a draft in the review queue, or approved now
    (`approve`) or for `at` (rows written: Tweet with source "manual", TweetImage,
    Activity tweet.composed, and tweet.approved when approved; task queued: post_tweet on
    commit when it goes now). Raises InvalidText, AttachRefused or InvalidTransition (a
    time passed) and then writes nothing."""
    text = validate_text(text, bot=bot)
    with transaction.atomic():
        tweet = Tweet.objects.create(
            bot=bot,
            text=text,
            source=Tweet.Source.MANUAL,
            in_reply_to_post_id=in_reply_to_post_id,
        )
        attach_images(tweet, images=images)
        reply = f" in reply to post {in_reply_to_post_id}" if in_reply_to_post_id else ""
        record_activity(
            "tweet.composed", message=f"Wrote a post by hand{reply}.", by=by, tweet=tweet
        )
        if approve or at is not None:
            approve_tweet(tweet, by=by, at=at)
    return tweet


def reschedule_tweet(tweet: Tweet, *, at: datetime, by) -> Tweet:
    """Move a queued tweet to go out at `at` instead (rows written: Tweet, Activity
    tweet.rescheduled; task queued: post_tweet on commit when `at` is now). A tweet
    waiting for the bot's next slot leaves that wait for its own time."""
    if at < timezone.now() - timedelta(minutes=1):
        raise InvalidTransition("That time has passed: choose a time in the future.")
    _move(
        tweet,
        None,
        expect={State.APPROVED},
        fields={"scheduled_for": at, "next_attempt_at": at, "awaits_slot": False},
        action="rescheduled",
        message=f"Moved to {_on_bot_clock(at, tweet.bot)}.",
        by=by,
    )
    _enqueue_if_due(tweet)
    return tweet


def approval_note(tweet: Tweet) -> str:
    """Where an approved tweet stands, its time on its bot's clock: "Queued for Tue 1 Dec,
    18:30 CET." """
    if tweet.scheduled_for is not None:
        return f"Queued for {_on_bot_clock(tweet.scheduled_for, tweet.bot)}."
    if tweet.awaits_slot:
        return f"Approved: it goes out at {tweet.bot.name}'s next scheduled slot."
    return "Approved to post now."


def _on_bot_clock(moment: datetime, bot: Bot) -> str:
    local = bot_local(moment, bot)
    return f"{local:%a} {local.day} {local:%b, %H:%M} {local.tzname()}"


def reject_tweet(tweet: Tweet, *, by=None) -> Tweet:
    """Reject a draft; a queued one can be rejected too until posting starts."""
    _move(
        tweet,
        State.REJECTED,
        expect={State.DRAFT, State.APPROVED},
        fields={"next_attempt_at": None},
        action="rejected",
        message="Rejected a queued tweet."
        if tweet.state == State.APPROVED
        else "Rejected a draft.",
        by=by,
    )
    return tweet


def post_now(tweet: Tweet, *, by) -> Tweet:
    """Queue a draft or scheduled tweet for immediate posting."""
    validate_text(tweet.text, bot=tweet.bot)
    now = timezone.now()
    fields = {"scheduled_for": None, "next_attempt_at": now, "awaits_slot": False}
    if tweet.state == State.DRAFT:
        linked = links.link_fields(tweet)
        _check_flock_rules(tweet, text=linked.get("text"))
        fields.update(approved_by=by, approved_at=now, **linked)
    _move(
        tweet,
        State.APPROVED,
        expect={State.DRAFT, State.APPROVED},
        fields=fields,
        action="queued",
        message="Queued to post now.",
        by=by,
    )
    _enqueue_if_due(tweet)
    return tweet


def retry_tweet(tweet: Tweet, *, by) -> Tweet:
    """Queue a failed or expired tweet again for now (its missed slot forgotten), with a
    fresh count of attempts."""
    validate_text(tweet.text, bot=tweet.bot)
    _check_flock_rules(tweet)
    _move(
        tweet,
        State.APPROVED,
        expect={State.FAILED, State.EXPIRED},
        fields={
            "scheduled_for": None,
            "next_attempt_at": timezone.now(),
            "attempt_count": 0,
            "last_error": "",
        },
        action="retried",
        message=f"Queued a{'n' if tweet.state == State.EXPIRED else ''} {tweet.state} tweet again.",
        by=by,
    )
    _enqueue_if_due(tweet)
    return tweet


def mark_tweet_posted(tweet: Tweet, *, post_id: str, by) -> Tweet:
    """A person found an `unknown` tweet on X: posted as `post_id` (rows written: Tweet,
    Activity tweet.marked_posted; one call: the bot's recent posts, to confirm the post is
    the bot's). Raises InvalidPost when another tweet of the bot holds that post or the
    bot's timeline answers without it; a timeline that cannot be read (the reason the
    tweet is unknown, often) leaves the person's word, noted as unconfirmed."""
    holder = tweet.bot.tweets.filter(x_post_id=post_id).exclude(pk=tweet.pk).first()
    if holder is not None:
        raise InvalidPost(f"Post {post_id} is already tweet {holder.pk}'s, so it is not this one.")
    # Every post since the tweet was written: the bot may have posted many since.
    since = tweet.created_at - timedelta(minutes=5)
    try:
        posts = client_for(tweet.bot).recent_posts(since=since)
        confirmed = post_id in {post.id for post in posts}
    except (base.PlatformError, CredentialsUnreadable):
        confirmed = None
    if confirmed is False:
        raise InvalidPost(
            f"Post {post_id} is not among @{tweet.bot.handle}'s posts since this tweet was "
            "written: check the link."
        )
    note = "" if confirmed else " (not confirmed: the bot's timeline could not be read)"
    fields = {"next_attempt_at": None, **posting.posted_fields(tweet, post_id)}
    try:
        _move(
            tweet,
            State.POSTED,
            expect={State.UNKNOWN},
            fields=fields,
            action="marked_posted",
            message=f"Found on {label_of(tweet.bot.network)} and marked posted as {post_id}{note}.",
            by=by,
            post_id=post_id,
        )
    except IntegrityError:
        raise InvalidPost(f"Post {post_id} is already another tweet's.") from None
    return tweet


def post_tweet_again(tweet: Tweet, *, by) -> Tweet:
    """A person found an `unknown` tweet is not on X: queue it to post now (rows written:
    Tweet, Activity tweet.posted_again; task queued: tweets.tasks.post_tweet on commit). If
    it was on X after all, X refuses the repeat and posting finds the post by identity."""
    _move(
        tweet,
        State.APPROVED,
        expect={State.UNKNOWN},
        fields={
            "next_attempt_at": timezone.now(),
            "timeline_refused_at": None,
            "last_error": "",
        },
        action="posted_again",
        message=f"Not on {label_of(tweet.bot.network)}: queued to post again.",
        by=by,
    )
    _enqueue_if_due(tweet)
    return tweet


def delete_tweet(tweet: Tweet, *, by) -> None:
    """Delete a tweet row for good (rows written: Activity, kept with the text; the tweet,
    its attempts and image links go). A posted tweet stays on X: delete it there too."""
    with transaction.atomic():
        record_activity(
            "tweet.deleted",
            message=f"Deleted a {tweet.get_state_display().lower()} tweet: “{tweet.text[:100]}”.",
            by=by,
            bot=tweet.bot,
            text=tweet.text,
            x_post_id=tweet.x_post_id,
        )
        tweet.delete()


def _move(tweet: Tweet, to: str | None, *, action: str, **options) -> None:
    """tweets.states.move_tweet, stamped with updated_at, or InvalidTransition saying what
    the tweet is in now."""
    options["fields"] = {"updated_at": timezone.now(), **options["fields"]}
    if move_tweet(tweet, to, action=action, **options):
        return
    current = Tweet.objects.filter(pk=tweet.pk).values_list("state", flat=True).first()
    label = State(current).label.lower() if current else "deleted"
    raise InvalidTransition(f"This tweet is {label}, so it cannot be {action.replace('_', ' ')}.")


def _enqueue_if_due(tweet: Tweet) -> None:
    if tweet.awaits_slot:
        return
    if tweet.next_attempt_at is None or tweet.next_attempt_at <= timezone.now():
        queue_for_bot(tweet.bot_id)


def release_waiting_tweet(bot: Bot, *, now: datetime) -> Tweet | None:
    """The bot's oldest approved draft waiting for a slot goes out now (rows written:
    Tweet; task queued: post_tweet on commit)."""
    waiting = (
        Tweet.objects.filter(bot=bot, state=State.APPROVED, awaits_slot=True)
        .order_by("approved_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    released = move_tweet(
        waiting,
        None,
        expect={State.APPROVED},
        when={"awaits_slot": True},
        fields={"awaits_slot": False, "next_attempt_at": now, "updated_at": now},
    )
    if not released:
        return None
    queue_for_bot(bot.pk)
    return waiting


def resume_posting(bot: Bot, *, by) -> None:
    """Clear the out-of-credit pause after someone topped up X credit (rows written: Bot,
    Activity bot.posting_resumed; task queued: tweets.tasks.post_tweet for the bot's next
    due tweet once the transaction commits)."""
    with transaction.atomic():
        if (
            not Bot.objects.filter(pk=bot.pk)
            .exclude(out_of_credit_reason="")
            .update(out_of_credit_reason="")
        ):
            bot.out_of_credit_reason = ""
            return
        record_activity(
            "bot.posting_resumed",
            message="Resumed posting after X credit was topped up.",
            by=by,
            bot=bot,
        )
        queue_for_bot(bot.pk)
    bot.out_of_credit_reason = ""


def generate_for_group(group: BotGroup, *, count: int, seed: str = "", by) -> GroupOutcome:
    """Ask the workers for `count` drafts from every bot of the group the person owns
    (rows written: GenerationJob per bot, Activity; tasks queued: generate_drafts)."""
    bots = list(members_for(group, by))
    with transaction.atomic():
        for bot in bots:
            request_generation(bot, count=count, seed=seed, by=by)
            record_activity(
                "bot.generation_requested",
                message=f"Asked for {count} drafts with the group {group.name}.",
                by=by,
                bot=bot,
            )
    return GroupOutcome(
        len(bots), f"Writing {count} drafts for each of {bots_phrase(len(bots))} in {group.name}."
    )
