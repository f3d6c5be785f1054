"""Writing new drafts in a bot's voice: the Markov model, its network's length rule, and a
seed word."""

import random
from dataclasses import dataclass

from corpora.markov import UnknownWord
from corpora.model_cache import NoModel, bot_model
from platforms import rules_for
from tweets.novelty import index_for

MIN_WORDS = 3
TRIES_PER_SENTENCE = 50
# Sentences tried per draft asked for, repeats included.
ATTEMPTS_PER_TEXT = 5


class CannotGenerate(Exception):
    """Nothing can be generated: no ready corpus, or a seed word the corpus lacks."""


@dataclass
class Generated:
    texts: list[str]
    asked: int
    # Sentences thrown away because they repeated the bot's posts, drafts or each other.
    repeats: int = 0

    @property
    def shortfall(self) -> int:
        return self.asked - len(self.texts)


def generate_texts(bot, *, count: int, seed: str = "", rng: random.Random | None = None):
    """Up to `count` new sentences for the bot (none saved): each one unlike the bot's recent
    posts, its waiting drafts and queued tweets, and the others (tweets.novelty).
    Raises CannotGenerate."""
    rng = rng or random.Random()
    try:
        model = bot_model(bot)
    except NoModel as error:
        raise CannotGenerate(str(error)) from None
    novelty = index_for(bot)
    rules = rules_for(bot)
    generated = Generated(texts=[], asked=count)
    for _ in range(count * ATTEMPTS_PER_TEXT):
        if len(generated.texts) == count:
            break
        try:
            sentence = model.sentence(
                seed=seed or None,
                max_length=rules.max_length,
                min_words=MIN_WORDS,
                tries=TRIES_PER_SENTENCE,
                length=rules.weighted_length,
                rng=rng,
            )
        except UnknownWord as error:
            raise CannotGenerate(str(error)) from None
        if sentence is None:
            continue
        if novelty.admit(sentence):
            generated.texts.append(sentence)
        else:
            generated.repeats += 1
    return generated
