"""Corpora and drafts through a real worker: adding text builds the model on the worker, and
a generation job writes drafts in the bot's voice."""

import pytest
import redis

from corpora import services as corpus_services
from corpora.models import BotCorpus, Corpus
from tests.factories import make_bot, make_corpus
from tests.integration.processes import start_worker, wait_until
from tests.integration.world import DEMO_TEXT
from tweets.models import GenerationJob
from tweets.services import request_generation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings, credential_keys, tmp_path):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    process = start_worker(tmp_path / "worker.log")
    yield process
    process.stop()


def test_the_worker_builds_a_corpus_and_writes_drafts_from_it(worker, owner):
    corpus = make_corpus(name="Adventures")
    bot = make_bot(owners=[owner])
    BotCorpus.objects.create(bot=bot, corpus=corpus)
    corpus_services.add_text_source(corpus, text=DEMO_TEXT.read_text()[:100_000], name="Part one")
    wait_until(
        lambda: Corpus.objects.get(pk=corpus.pk).status == Corpus.Status.READY,
        timeout=60,
        message=worker.log()[-2000:],
    )
    job = request_generation(bot, count=4, seed="Holmes")
    wait_until(lambda: GenerationJob.objects.get(pk=job.pk).is_finished(), timeout=60)
    job.refresh_from_db()
    assert (job.state, job.created_count) == ("done", 4), job.error
    drafts = list(bot.tweets.values_list("text", flat=True))
    assert len(drafts) == 4
    assert all("holmes" in text.lower() for text in drafts)


def test_a_corpus_too_small_fails_on_the_worker_with_the_reason(worker):
    corpus = make_corpus(name="Tiny")
    corpus_services.add_text_source(corpus, text="Too short.")
    wait_until(lambda: Corpus.objects.get(pk=corpus.pk).status == Corpus.Status.FAILED, timeout=60)
    assert "too small" in Corpus.objects.get(pk=corpus.pk).status_detail
