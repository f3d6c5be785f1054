"""Corpora compile into models when their text changes, and fail with a reason when they can't."""

from pathlib import Path

import pytest

from corpora import model_cache, services
from corpora.models import BotCorpus, Corpus
from corpora.sources import SourceRejected
from tests.factories import make_corpus

# Enough varied prose that new sentences exist which copy no long run of the original.
TEXT = (
    Path(__file__).resolve().parents[2] / "project" / "demo" / "texts" / "adventures-1-6.txt"
).read_text()[:40_000]


@pytest.fixture
def corpus(db):
    return make_corpus(text=TEXT)


def test_build_makes_a_ready_model_with_counts(corpus):
    assert services.build_corpus_model(corpus) is True
    corpus.refresh_from_db()
    assert corpus.status == Corpus.Status.READY
    assert corpus.sentence_count > 0
    assert corpus.word_count == len(TEXT.split())
    assert corpus.model_file.name == f"models/{corpus.checksum}.markov"
    sentence = model_cache.corpus_model(corpus).sentence(max_length=280, tries=50)
    assert sentence


def test_unchanged_corpus_is_not_rebuilt(corpus):
    services.build_corpus_model(corpus)
    corpus.refresh_from_db()
    assert services.build_corpus_model(corpus) is False


def test_too_little_text_fails_with_the_reason(db):
    corpus = make_corpus(text="Hi.")
    services.build_corpus_model(corpus)
    corpus.refresh_from_db()
    assert corpus.status == Corpus.Status.FAILED
    assert corpus.status_detail
    assert not corpus.model_file


def test_adding_a_source_marks_building_and_queues_after_commit(
    corpus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.add_text_source(corpus, text="More words for the lamp and the sea.")
    corpus.refresh_from_db()
    assert corpus.status == Corpus.Status.BUILDING
    assert len(callbacks) == 1


def test_a_rejected_upload_stores_nothing(corpus):
    with pytest.raises(SourceRejected, match="binary"):
        services.add_file_source(corpus, data=b"\x00\x01\x02" * 100, name="photo.jpg")
    assert corpus.sources.count() == 1


def test_bot_model_combines_its_ready_corpora(bot):
    first, second = make_corpus(text=TEXT), make_corpus(text=TEXT.replace("lamp", "beacon"))
    for corpus in (first, second):
        services.build_corpus_model(corpus)
        BotCorpus.objects.create(bot=bot, corpus=corpus, weight=1)
    model = model_cache.bot_model(bot)
    assert model is model_cache.bot_model(bot)  # cached: the same object, not rebuilt
    assert model.sentence(max_length=280, tries=50)


def test_bot_without_ready_corpus_says_so(bot):
    with pytest.raises(model_cache.NoModel, match="no ready corpus"):
        model_cache.bot_model(bot)
