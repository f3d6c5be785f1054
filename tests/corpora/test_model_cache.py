"""Stored models that no longer load (an earlier engine's, or damaged) are built again from
the corpus's text, so generating never fails on them."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from corpora import model_cache, services
from corpora.markov import MarkovModel
from corpora.models import BotCorpus, Corpus
from tests.factories import make_corpus

TEXT = (
    Path(__file__).resolve().parents[2] / "project" / "demo" / "texts" / "adventures-1-6.txt"
).read_text()[:40_000]


@pytest.fixture
def corpus(db):
    corpus = make_corpus(text=TEXT)
    services.build_corpus_model(corpus)
    corpus.refresh_from_db()
    # Another test may have cached a model of the same text: this one must be read.
    model_cache.clear()
    yield corpus
    model_cache.clear()


def store(corpus: Corpus, data: bytes) -> None:
    default_storage.delete(corpus.model_file.name)
    default_storage.save(corpus.model_file.name, ContentFile(data))


def stored(corpus: Corpus) -> bytes:
    with default_storage.open(corpus.model_file.name, "rb") as handle:
        return handle.read()


def version_2_of(data: bytes) -> bytes:
    older = bytearray(data)
    older[4] = 2  # the version byte: what an earlier engine wrote there
    return bytes(older)


def test_a_model_stored_by_an_earlier_engine_is_rebuilt_and_speaks(corpus):
    current = stored(corpus)
    store(corpus, version_2_of(current))

    sentence = model_cache.corpus_model(corpus).sentence(max_length=280, tries=50)

    assert sentence
    assert stored(corpus) == current  # the new bytes are stored, so later loads find them
    corpus.refresh_from_db()
    assert corpus.status == Corpus.Status.READY
    model_cache.clear()
    assert MarkovModel.from_bytes(stored(corpus)).sentence(max_length=280, tries=50)


@pytest.mark.parametrize("data", [b"garbage", b"AVMK\x03", b""])
def test_a_bot_whose_stored_model_is_damaged_still_speaks(corpus, bot, data):
    BotCorpus.objects.create(bot=bot, corpus=corpus, weight=1)
    store(corpus, data)

    sentence = model_cache.bot_model(bot).sentence(max_length=280, tries=50)

    assert sentence
    assert MarkovModel.from_bytes(stored(corpus)).sentence_count > 0


def test_a_rebuilt_model_is_read_from_the_cache_afterwards(corpus):
    store(corpus, version_2_of(stored(corpus)))
    first = model_cache.corpus_model(corpus)
    assert model_cache.corpus_model(corpus) is first
