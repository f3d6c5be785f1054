"""Sampling sentences: distinct ones within the limits, a budget of attempts per sentence
asked for, refusals counted as repeats, and an unknown seed word said so. No Django here."""

import random
from pathlib import Path

import pytest

from corpora.markov import MarkovModel, UnknownWord
from corpora.sampling import (
    ATTEMPTS_PER_TEXT,
    LONGEST_SENTENCE_FACTOR,
    MIN_WORDS,
    TRIES_PER_SENTENCE,
    Sampled,
    sample_sentences,
)
from platforms.x.text import weighted_length

DEMO = (
    Path(__file__).resolve().parents[2] / "project" / "demo" / "texts" / "adventures-1-6.txt"
).read_text()[:40_000]


@pytest.fixture(scope="module")
def model():
    return MarkovModel.build(DEMO)


class Scripted:
    """A model that says the given sentences in turn (None: a walk that made nothing), and
    records what it was asked."""

    def __init__(self, *sentences):
        self.sentences = list(sentences)
        self.calls = []

    def sentence(self, **options):
        self.calls.append(options)
        return self.sentences[(len(self.calls) - 1) % len(self.sentences)]


def sample(model, **options):
    return sample_sentences(
        model, **{"max_length": 280, "length": len, "rng": random.Random(1), **options}
    )


def test_it_samples_distinct_sentences_within_the_limits(model):
    sampled = sample(model, count=8, max_length=100)

    assert len(sampled.texts) == 8
    assert len(set(sampled.texts)) == 8
    assert all(len(text) <= 100 for text in sampled.texts)
    assert all(len(text.split()) >= MIN_WORDS for text in sampled.texts)


def test_it_measures_length_with_the_function_given(model):
    # Each character counted twice, as X counts CJK: no sentence may pass 50 characters.
    sampled = sample(model, count=5, max_length=100, length=lambda text: 2 * len(text))

    assert sampled.texts
    assert all(len(text) <= 50 for text in sampled.texts)


def test_every_sentence_holds_the_seed_word(model):
    sampled = sample(model, count=4, seed="Holmes")

    assert len(sampled.texts) == 4
    assert all("holmes" in text.lower() for text in sampled.texts)


def test_it_raises_unknown_word_for_a_seed_the_corpus_lacks(model):
    with pytest.raises(UnknownWord, match="xyzzyplugh"):
        sample(model, count=3, seed="xyzzyplugh")


def test_the_same_random_state_samples_the_same_sentences(model):
    first = sample(model, count=5, rng=random.Random(7))
    again = sample(model, count=5, rng=random.Random(7))

    assert first == again


def test_an_empty_seed_means_no_seed_and_the_limits_reach_the_model():
    model, rng = Scripted("One two three."), random.Random(1)

    sample_sentences(model, count=1, seed="", max_length=90, length=len, rng=rng)

    assert model.calls == [
        {
            "seed": None,
            "max_length": 90,
            "min_words": MIN_WORDS,
            "tries": TRIES_PER_SENTENCE,
            "length": len,
            "rng": rng,
        }
    ]


def test_repeats_are_thrown_away_and_counted_until_the_attempts_run_out():
    model = Scripted("Same again here.", None)

    sampled = sample(model, count=2)

    # Two sentences asked for: 2 * ATTEMPTS_PER_TEXT walks, half of them making nothing.
    assert len(model.calls) == 2 * ATTEMPTS_PER_TEXT
    assert sampled == Sampled(texts=["Same again here."], repeats=ATTEMPTS_PER_TEXT - 1)


def test_it_stops_as_soon_as_it_has_enough():
    model = Scripted("First one here.", "Second one here.", "Third one here.")

    sampled = sample(model, count=2, attempts_per_text=10)

    assert sampled == Sampled(texts=["First one here.", "Second one here."], repeats=0)
    assert len(model.calls) == 2


def test_sentences_admit_refuses_count_as_repeats():
    model = Scripted("Posted before.", "A new one.", "Posted before.", "Another new one.")

    sampled = sample(model, count=2, admit=lambda text: text != "Posted before.")

    assert sampled == Sampled(texts=["A new one.", "Another new one."], repeats=2)


def test_admit_alone_decides_what_repeats():
    # A predicate that accepts a repeat overrides the default check against earlier ones.
    model = Scripted("Say it twice.")

    sampled = sample(model, count=2, admit=lambda text: True)

    assert sampled.texts == ["Say it twice.", "Say it twice."]


def test_an_absurdly_long_sentence_is_refused_before_it_is_counted():
    """Issue 20: a corpus whose one word is 1,000 characters of "U.S." held workers for
    minutes; such a sentence is refused by its characters alone."""
    word = "U.S." * 250
    model = MarkovModel.build(" ".join(f"We met {word} here at dawn." for _ in range(20)))
    counted = []

    def length(text):
        counted.append(text)
        return weighted_length(text)

    sampled = sample_sentences(model, count=3, max_length=280, length=length, rng=random.Random(1))
    assert sampled.texts == []
    assert all(len(text) <= 280 * LONGEST_SENTENCE_FACTOR for text in counted)
