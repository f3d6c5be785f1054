"""Writing new drafts in a bot's voice: the Markov model, X's length rule, and a seed word."""

import random
from dataclasses import dataclass

from corpora.markov import UnknownWord
from corpora.model_cache import NoModel, bot_model
from tweets.text import weighted_length

MAX_WEIGHTED_LENGTH = 280
MIN_WORDS = 3
TRIES_PER_SENTENCE = 50


class CannotGenerate(Exception):
    """Nothing can be generated: no ready corpus, or a seed word the corpus lacks."""


@dataclass
class Generated:
    texts: list[str]
    asked: int

    @property
    def shortfall(self) -> int:
        return self.asked - len(self.texts)


def generate_texts(bot, *, count: int, seed: str = "", rng: random.Random | None = None):
    """Up to `count` distinct sentences for the bot (none saved). Raises CannotGenerate."""
    rng = rng or random.Random()
    try:
        model = bot_model(bot)
    except NoModel as error:
        raise CannotGenerate(str(error)) from None
    texts: list[str] = []
    for _ in range(count * 3):
        if len(texts) == count:
            break
        try:
            sentence = model.sentence(
                seed=seed or None,
                max_length=MAX_WEIGHTED_LENGTH,
                min_words=MIN_WORDS,
                tries=TRIES_PER_SENTENCE,
                length=weighted_length,
                rng=rng,
            )
        except UnknownWord as error:
            raise CannotGenerate(str(error)) from None
        if sentence and sentence not in texts:
            texts.append(sentence)
    return Generated(texts=texts, asked=count)
