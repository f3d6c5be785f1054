"""Writing drafts on a worker: a generation job the worker's time limit stops is failed with
the reason, instead of showing "running" for ever."""

import signal
from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from corpora.models import BotCorpus
from corpora.services import build_corpus_model
from tests.factories import make_corpus
from tweets.drafting import fail_abandoned_jobs, run_generation_job
from tweets.models import GenerationJob

TEXT = (
    Path(__file__).resolve().parents[2] / "project" / "demo" / "texts" / "adventures-1-6.txt"
).read_text()[:40_000]


@pytest.fixture
def soft_time_limit():
    """Celery's soft time limit as the worker applies it: a signal whose handler raises
    SoftTimeLimitExceeded wherever the task is."""

    def stop(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, stop)
    yield lambda seconds: signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


# Transactional: the signal may land inside any query, and the worker runs in autocommit.
@pytest.mark.django_db(transaction=True)
def test_a_job_stopped_by_the_time_limit_is_failed_with_the_reason(bot, soft_time_limit):
    corpus = make_corpus(text=TEXT)
    build_corpus_model(corpus)
    BotCorpus.objects.create(bot=bot, corpus=corpus)
    job = GenerationJob.objects.create(bot=bot, count=50)
    soft_time_limit(0.05)
    job = run_generation_job(job)
    assert job.state == GenerationJob.State.FAILED
    assert job.error.startswith("Generation took too long: the worker stopped it after")
    assert job.is_finished()
    assert job.created_count == job.drafts.count()


def test_a_job_whose_worker_was_lost_is_failed_by_the_sweep_and_others_are_left(bot, settings):
    settings.CELERY_TASK_TIME_LIMIT = 180
    now = timezone.now()
    lost = GenerationJob.objects.create(
        bot=bot, count=5, state=GenerationJob.State.RUNNING, started_at=now - timedelta(hours=1)
    )
    running = GenerationJob.objects.create(
        bot=bot, count=5, state=GenerationJob.State.RUNNING, started_at=now - timedelta(seconds=30)
    )
    queued = GenerationJob.objects.create(bot=bot, count=5)

    assert fail_abandoned_jobs(now) == 1

    lost.refresh_from_db()
    assert lost.state == GenerationJob.State.FAILED and lost.is_finished()
    assert "stopped before it finished" in lost.error
    assert GenerationJob.objects.get(pk=running.pk).state == GenerationJob.State.RUNNING
    assert GenerationJob.objects.get(pk=queued.pk).state == GenerationJob.State.QUEUED
