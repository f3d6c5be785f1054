"""State changes of tweets made by people and schedules: generate, edit, approve, reject,
schedule, post now and retry. Posting itself lives in tweets.posting.

Each transition is one conditional UPDATE on the row's state, so two people (or a person and
the pipeline) acting at once cannot both win; the loser gets InvalidTransition.
"""

import random
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots.groups import GroupOutcome, bots_phrase, members_for
from bots.models import Bot, BotGroup
from bots.schedule import awaits_slot
from corpora.models import BotCorpus, Corpus
from platforms import rules_for
from platforms.base import Rules
from platforms.x import rules as x_rules
from tweets.generation import CannotGenerate, generate_texts
from tweets.images import auto_attach_images
from tweets.models import GenerationJob, Tweet

State = Tweet.State


class InvalidTransition(Exception):
    """The tweet is not in a state that allows this; the message says what it is in."""


class InvalidText(ValueError):
    """The text breaks the network's rules (empty, or over its length as it counts)."""


def generate_drafts(
    bot: Bot,
    *,
    count: int,
    seed: str = "",
    rng: random.Random | None = None,
    by=None,
    actor: str = "worker",
    job: GenerationJob | None = None,
) -> list[Tweet]:
    """Generate up to `count` drafts in the bot's voice (rows written: Tweet, state draft;
    TweetImage for the share of drafts the bot's auto_image_percent gives an image; one
    Activity for the batch, by `by` or else `actor`).

    Raises tweets.generation.CannotGenerate when the bot has no ready corpus or the seed
    word is not in it.
    """
    generated = generate_texts(bot, count=count, seed=seed, rng=rng)
    corpus = _main_corpus(bot)
    with transaction.atomic():
        drafts = [
            Tweet.objects.create(
                bot=bot, text=text, corpus=corpus, seed_word=seed, generation_job=job
            )
            for text in generated.texts
        ]
        auto_attach_images(bot, drafts, rng=rng or random.Random())
        if drafts or generated.repeats:
            record_activity(
                "tweet.generated",
                message=_generated_message(len(drafts), seed, generated.repeats),
                by=by,
                actor=actor,
                bot=bot,
                tweet=drafts[0] if len(drafts) == 1 else None,
                count=len(drafts),
                repeats=generated.repeats,
            )
    return drafts


def _generated_message(count: int, seed: str, repeats: int) -> str:
    message = f"Wrote {count} draft{'s' if count != 1 else ''}"
    if seed:
        message += f" around “{seed}”"
    if repeats:
        message += f"; threw away {repeats} that repeated the bot's posts or drafts"
    return message + "."


def request_generation(bot: Bot, *, count: int, seed: str = "", by=None) -> GenerationJob:
    """Ask a worker for `count` drafts (rows written: GenerationJob; task queued:
    tweets.tasks.generate_drafts once the transaction commits)."""
    from tweets.tasks import generate_drafts as generate_task

    job = GenerationJob.objects.create(bot=bot, count=count, seed_word=seed, requested_by=by)
    generate_task.delay_on_commit(job.pk)
    return job


def run_generation_job(job: GenerationJob) -> GenerationJob:
    """Write a job's drafts and record how it went (rows written: Tweet drafts, the job).
    A job already started elsewhere is left alone, so a repeated message does nothing."""
    started = GenerationJob.objects.filter(pk=job.pk, state=GenerationJob.State.QUEUED).update(
        state=GenerationJob.State.RUNNING
    )
    if not started:
        return job
    fields = {"state": GenerationJob.State.DONE, "finished_at": timezone.now()}
    try:
        drafts = generate_drafts(
            job.bot, count=job.count, seed=job.seed_word, by=job.requested_by, job=job
        )
    except CannotGenerate as error:
        fields.update(state=GenerationJob.State.FAILED, error=str(error))
    else:
        fields["created_count"] = len(drafts)
        if len(drafts) < job.count:
            fields["error"] = (
                f"Only {len(drafts)} of {job.count} drafts could be written: the corpus gave "
                "too few new sentences that fit X's length (a sentence that repeats one of "
                "the bot's posts or waiting drafts is thrown away)."
            )
    fields["finished_at"] = timezone.now()
    GenerationJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def regenerate_tweet(tweet: Tweet, *, by=None) -> Tweet:
    """Replace a draft's text with a fresh sentence (same seed word). Raises CannotGenerate."""
    generated = generate_texts(tweet.bot, count=1, seed=tweet.seed_word)
    if not generated.texts:
        raise CannotGenerate("No new sentence came out this time; try again.")
    _transition(
        tweet,
        {State.DRAFT},
        "regenerated",
        note="Replaced a draft's text with a new sentence.",
        by=by,
        details={"before": tweet.text},
        text=generated.texts[0],
    )
    return tweet


def _main_corpus(bot: Bot) -> Corpus | None:
    link = (
        BotCorpus.objects.filter(bot=bot, corpus__status=Corpus.Status.READY)
        .select_related("corpus")
        .order_by("-weight", "pk")
        .first()
    )
    return link.corpus if link else None


def validate_text(text: str, *, rules: Rules = x_rules.RULES) -> str:
    """The text, stripped, if it fits `rules` (the bot's network's; X's, which the sandbox
    shares, where no bot is known, as in a form); raises InvalidText."""
    text = text.strip()
    if not text:
        raise InvalidText("A tweet needs some text.")
    length = rules.weighted_length(text)
    if length > rules.max_length:
        raise InvalidText(
            f"The text is {length} characters as X counts them; the limit is {rules.max_length}."
        )
    return text


def edit_tweet(tweet: Tweet, *, text: str, by=None) -> Tweet:
    """Replace a draft's (or failed or expired tweet's) text, re-validated by X's rules."""
    text = validate_text(text, rules=rules_for(tweet.bot))
    _transition(
        tweet,
        {State.DRAFT, State.FAILED, State.EXPIRED},
        "edited",
        note="Edited the text.",
        by=by,
        details={"before": tweet.text},
        text=text,
    )
    return tweet


def approve_tweet(tweet: Tweet, *, by, at: datetime | None = None, actor: str = "system") -> Tweet:
    """Queue a draft for posting now, or at `at`, or (a review-first bot with a schedule)
    at its next free slot (rows written: Tweet; task queued: tweets.tasks.post_tweet once
    the transaction commits, unless it waits for a time or a slot)."""

    validate_text(tweet.text, rules=rules_for(tweet.bot))
    now = timezone.now()
    if at is not None and at < now - timezone.timedelta(minutes=1):
        raise InvalidTransition("That time has passed: choose a time in the future.")
    # Replies answer a mention now; only the bot's own posts wait for its slots.
    waits = at is None and not tweet.in_reply_to_post_id and awaits_slot(tweet.bot)
    if at is not None:
        note = f"Approved for {timezone.localtime(at):%a %d %b, %H:%M}."
    elif waits:
        note = "Approved; it goes out at the bot's next scheduled slot."
    else:
        note = "Approved to post now."
    _transition(
        tweet,
        {State.DRAFT},
        "approved",
        note=note,
        by=by,
        actor=actor,
        state=State.APPROVED,
        approved_by=by,
        approved_at=now,
        scheduled_for=at,
        next_attempt_at=at or now,
        awaits_slot=waits,
        last_error="",
    )
    _enqueue_if_due(tweet)
    return tweet


def reject_tweet(tweet: Tweet, *, by=None) -> Tweet:
    """Reject a draft; a queued one can be rejected too until posting starts."""
    _transition(
        tweet,
        {State.DRAFT, State.APPROVED},
        "rejected",
        note="Rejected a queued tweet." if tweet.state == State.APPROVED else "Rejected a draft.",
        by=by,
        state=State.REJECTED,
        next_attempt_at=None,
    )
    return tweet


def schedule_tweet(tweet: Tweet, *, at: datetime, by) -> Tweet:
    """Move a draft or queued tweet to a given time."""
    if at < timezone.now() - timezone.timedelta(minutes=1):
        raise InvalidTransition("That time has passed: choose a time in the future.")
    fields = {
        "state": State.APPROVED,
        "scheduled_for": at,
        "next_attempt_at": at,
        "awaits_slot": False,
    }
    if tweet.state == State.DRAFT:
        fields.update(approved_by=by, approved_at=timezone.now())
    _transition(
        tweet,
        {State.DRAFT, State.APPROVED},
        "scheduled",
        note=f"Scheduled for {timezone.localtime(at):%a %d %b, %H:%M}.",
        by=by,
        **fields,
    )
    return tweet


def post_now(tweet: Tweet, *, by) -> Tweet:
    """Queue a draft or scheduled tweet for immediate posting."""
    validate_text(tweet.text, rules=rules_for(tweet.bot))
    now = timezone.now()
    fields = {
        "state": State.APPROVED,
        "scheduled_for": None,
        "next_attempt_at": now,
        "awaits_slot": False,
    }
    if tweet.state == State.DRAFT:
        fields.update(approved_by=by, approved_at=now)
    _transition(
        tweet, {State.DRAFT, State.APPROVED}, "queued", note="Queued to post now.", by=by, **fields
    )
    _enqueue_if_due(tweet)
    return tweet


def retry_tweet(tweet: Tweet, *, by) -> Tweet:
    """Queue a failed or expired tweet again for now (its missed slot forgotten), with a
    fresh count of attempts."""
    validate_text(tweet.text, rules=rules_for(tweet.bot))
    _transition(
        tweet,
        {State.FAILED, State.EXPIRED},
        "retried",
        note=f"Queued a{'n' if tweet.state == State.EXPIRED else ''} {tweet.state} tweet again.",
        by=by,
        state=State.APPROVED,
        scheduled_for=None,
        next_attempt_at=timezone.now(),
        attempt_count=0,
        last_error="",
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


def _transition(
    tweet: Tweet,
    allowed: set,
    verb: str,
    *,
    note: str,
    by=None,
    actor: str = "system",
    details: dict | None = None,
    **fields,
) -> None:
    """Apply `fields` if the tweet is still in an allowed state, else InvalidTransition;
    the change and its activity entry (`note`, by `by` or else `actor`) commit together."""
    fields["updated_at"] = timezone.now()
    with transaction.atomic():
        changed = Tweet.objects.filter(pk=tweet.pk, state__in=allowed).update(**fields)
        if changed:
            record_activity(
                f"tweet.{verb}", message=note, by=by, actor=actor, tweet=tweet, **(details or {})
            )
    if not changed:
        current = Tweet.objects.filter(pk=tweet.pk).values_list("state", flat=True).first()
        label = State(current).label.lower() if current else "deleted"
        raise InvalidTransition(f"This tweet is {label}, so it cannot be {verb}.")
    for name, value in fields.items():
        setattr(tweet, name, value)


def _enqueue_if_due(tweet: Tweet) -> None:
    from tweets.tasks import post_tweet

    if tweet.awaits_slot:
        return
    if tweet.next_attempt_at is None or tweet.next_attempt_at <= timezone.now():
        post_tweet.delay_on_commit(tweet.pk)


def release_waiting_tweet(bot: Bot, *, now: datetime) -> Tweet | None:
    """The bot's oldest approved draft waiting for a slot goes out now (rows written:
    Tweet; task queued: post_tweet on commit)."""
    from tweets.tasks import post_tweet

    waiting = (
        Tweet.objects.filter(bot=bot, state=Tweet.State.APPROVED, awaits_slot=True)
        .order_by("approved_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    released = Tweet.objects.filter(pk=waiting.pk, awaits_slot=True).update(
        awaits_slot=False, next_attempt_at=now, updated_at=now
    )
    if not released:
        return None
    post_tweet.delay_on_commit(waiting.pk)
    return waiting


def resume_posting(bot: Bot, *, by) -> None:
    """Clear the out-of-credit pause after someone topped up X credit (rows written: Bot,
    Activity bot.posting_resumed; task queued: tweets.tasks.post_tweet for the bot's next
    due tweet once the transaction commits)."""
    from tweets.posting import due_tweets
    from tweets.tasks import post_tweet

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
        next_id = due_tweets(bot.pk, timezone.now()).values_list("pk", flat=True).first()
        if next_id is not None:
            post_tweet.delay_on_commit(next_id)
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
