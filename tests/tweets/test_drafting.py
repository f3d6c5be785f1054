"""Writing drafts on a worker: a generation job the worker's time limit stops is failed with
the reason, instead of showing "running" for ever."""

import signal
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from corpora.models import BotCorpus
from corpora.services import build_corpus_model
from tests.factories import make_corpus
from tweets.drafting import run_generation_job
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
