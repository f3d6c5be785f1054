"""Sampling sentences from a Markov model: the one loop behind a corpus's preview and a bot's
drafts, with the limits they share. The caller brings the length rule and any novelty check."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from corpora.markov import MarkovModel

MIN_WORDS = 3
TRIES_PER_SENTENCE = 50
# Sentences tried per sentence asked for, repeats included: for a bot's drafts, and for a
# corpus's preview.
ATTEMPTS_PER_TEXT = 5
PREVIEW_ATTEMPTS_PER_TEXT = 3
# A sentence of more characters than this many times `max_length` is refused uncounted: no
# network counts that few for so many (a corpus's one 1,000-character "word" is not a post).
LONGEST_SENTENCE_FACTOR = 10


@dataclass
class Sampled:
    texts: list[str] = field(default_factory=list)
    # Sentences thrown away because `admit` refused them (by default: repeats of each other).
    repeats: int = 0


def sample_sentences(
    model: MarkovModel,
    *,
    count: int,
    seed: str | None = None,
    max_length: int,
    length: Callable[[str], int],
    rng: random.Random,
    min_words: int = MIN_WORDS,
    tries: int = TRIES_PER_SENTENCE,
    attempts_per_text: int = ATTEMPTS_PER_TEXT,
    admit: Callable[[str], bool] | None = None,
) -> Sampled:
    """Up to `count` sentences of at most `max_length` (as `length` counts) and `min_words`
    words, each containing `seed` if given, and each one `admit` accepts (by default: any
    not sampled already). A sentence over LONGEST_SENTENCE_FACTOR times `max_length` in
    characters is refused without asking `length`. Tries `count * attempts_per_text`
    sentences at most, each of `tries` walks. Raises corpora.markov.UnknownWord when the
    seed word is not in the model.
    """
    sampled = Sampled()

    def is_new(sentence: str) -> bool:
        return sentence not in sampled.texts

    def bounded_length(sentence: str) -> int:
        if len(sentence) > max_length * LONGEST_SENTENCE_FACTOR:
            return max_length + 1
        return length(sentence)

    # Counting characters is its own bound.
    counter = length if length is len else bounded_length
    admit = admit or is_new
    for _ in range(count * attempts_per_text):
        if len(sampled.texts) == count:
            break
        sentence = model.sentence(
            seed=seed or None,
            max_length=max_length,
            min_words=min_words,
            tries=tries,
            length=counter,
            rng=rng,
        )
        if sentence is None:
            continue
        if admit(sentence):
            sampled.texts.append(sentence)
        else:
            sampled.repeats += 1
    return sampled
