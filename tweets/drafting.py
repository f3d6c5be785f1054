"""Writing drafts in a bot's voice: at once (generate_drafts), or on a worker for a
GenerationJob that the page polls (run_generation_job; tweets.services.request_generation
queues it)."""

import random
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot
from corpora.models import BotCorpus, Corpus
from tweets.generation import CannotGenerate, Generated, generate_texts
from tweets.images import auto_attach_images
from tweets.models import GenerationJob, Tweet
from tweets.novelty import index_tweets

# A job's worker may take this long past the hard time limit to record how it ended.
ABANDONED_GRACE_SECONDS = 60


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
    TweetShingle, their word pairs; TweetImage for the share of drafts the bot's
    auto_image_percent gives an image; one Activity for the batch, by `by` or else `actor`),
    each linked to `job` when a job wrote them.

    Raises tweets.generation.CannotGenerate when the bot has no ready corpus or the seed
    word is not in it.
    """
    return _write_drafts(bot, count=count, seed=seed, rng=rng, by=by, actor=actor, job=job)[0]


def _write_drafts(bot, *, count, seed, rng, by, actor, job) -> tuple[list[Tweet], Generated]:
    """generate_drafts, and what generation threw away."""
    generated = generate_texts(bot, count=count, seed=seed, rng=rng)
    corpus = _main_corpus(bot)
    with transaction.atomic():
        drafts = [
            Tweet.objects.create(
                bot=bot, text=text, corpus=corpus, seed_word=seed, generation_job=job
            )
            for text in generated.texts
        ]
        index_tweets(drafts)
        auto_attach_images(bot, drafts, rng=rng or random.Random())
        if drafts or generated.repeats or generated.blocked:
            record_activity(
                "tweet.generated",
                message=_generated_message(len(drafts), seed, generated),
                by=by,
                actor=actor,
                bot=bot,
                tweet=drafts[0] if len(drafts) == 1 else None,
                count=len(drafts),
                repeats=generated.repeats,
                blocked=generated.blocked,
            )
    return drafts, generated


def _generated_message(count: int, seed: str, generated: Generated) -> str:
    message = f"Wrote {count} draft{'s' if count != 1 else ''}"
    if seed:
        message += f" around “{seed}”"
    if generated.repeats:
        message += f"; threw away {generated.repeats} that repeated the bot's posts or drafts"
        if generated.blocked:
            message += " and"
    elif generated.blocked:
        message += "; threw away"
    if generated.blocked:
        message += f" {_blocked_phrase(generated.blocked)}"
    return message + "."


def _blocked_phrase(blocked: int) -> str:
    return f"{blocked} that held a blocked word"


def run_generation_job(job: GenerationJob) -> GenerationJob:
    """Write a job's drafts and record how it went (rows written: Tweet drafts, the job).
    A job already started elsewhere is left alone, so a repeated message does nothing; a
    job the worker's soft time limit stops is failed with that reason."""
    started = GenerationJob.objects.filter(pk=job.pk, state=GenerationJob.State.QUEUED).update(
        state=GenerationJob.State.RUNNING, started_at=timezone.now()
    )
    if not started:
        return job
    fields = {"state": GenerationJob.State.DONE, "finished_at": timezone.now()}
    try:
        drafts, generated = _write_drafts(
            job.bot,
            count=job.count,
            seed=job.seed_word,
            rng=None,
            by=job.requested_by,
            actor="worker",
            job=job,
        )
    except CannotGenerate as error:
        fields.update(state=GenerationJob.State.FAILED, error=str(error))
    except SoftTimeLimitExceeded:
        # The signal may have cut a query short (novelty asks the database for each
        # sentence), leaving the connection mid-command: drop it, and the next query, here
        # or in the worker's next task, opens a fresh one.
        if not connection.is_usable():
            connection.close()
        # The worker's time limit stopped the job: say so on the job, or it shows running.
        fields.update(
            state=GenerationJob.State.FAILED,
            error=_too_long_message(),
            created_count=job.drafts.count(),
        )
    else:
        fields["created_count"] = len(drafts)
        notes = []
        if len(drafts) < job.count:
            notes.append(
                f"Only {len(drafts)} of {job.count} drafts could be written: the corpus gave "
                "too few new sentences that fit X's length (a sentence that repeats one of "
                "the bot's posts or waiting drafts is thrown away)."
            )
        if generated.blocked:
            notes.append(f"Threw away {_blocked_phrase(generated.blocked)}.")
        if notes:
            fields["error"] = " ".join(notes)
    fields["finished_at"] = timezone.now()
    # Only a running job is finished here: the sweep may have failed it meanwhile.
    GenerationJob.objects.filter(pk=job.pk, state=GenerationJob.State.RUNNING).update(**fields)
    job.refresh_from_db()
    return job


def fail_abandoned_jobs(now) -> int:
    """Fail the jobs still running past the hard time limit (rows written: GenerationJob):
    their worker was killed or lost, and nothing else would ever finish them."""
    deadline = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + ABANDONED_GRACE_SECONDS)
    return GenerationJob.objects.filter(
        state=GenerationJob.State.RUNNING, started_at__lt=deadline
    ).update(
        state=GenerationJob.State.FAILED,
        finished_at=now,
        error="The worker writing these drafts stopped before it finished (it was killed or "
        "lost). The drafts it wrote are kept; generate again for the rest.",
    )


def _too_long_message() -> str:
    limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    return (
        f"Generation took too long: the worker stopped it after {limit} seconds. Try fewer "
        "drafts, or check the corpus for very long sentences."
    )


def _main_corpus(bot: Bot) -> Corpus | None:
    link = (
        BotCorpus.objects.filter(bot=bot, corpus__status=Corpus.Status.READY)
        .select_related("corpus")
        .order_by("-weight", "pk")
        .first()
    )
    return link.corpus if link else None
