"""Writing new drafts in a bot's voice: the Markov model, its network's length rule, and a
seed word."""

import random

from corpora.markov import UnknownWord
from corpora.model_cache import NoModel, bot_model
from corpora.sampling import Sampled, sample_sentences
from platforms import rules_for
from tweets.novelty import index_for


class CannotGenerate(Exception):
    """Nothing can be generated: no ready corpus, or a seed word the corpus lacks."""


def generate_texts(bot, *, count: int, seed: str = "", rng: random.Random | None = None) -> Sampled:
    """Up to `count` new sentences for the bot (none saved): each one unlike the bot's recent
    posts, its waiting drafts and queued tweets, and the others (tweets.novelty); `repeats`
    counts those thrown away for being alike. Raises CannotGenerate."""
    try:
        model = bot_model(bot)
    except NoModel as error:
        raise CannotGenerate(str(error)) from None
    novelty = index_for(bot)
    rules = rules_for(bot)
    try:
        return sample_sentences(
            model,
            count=count,
            seed=seed,
            max_length=rules.max_length,
            length=rules.weighted_length,
            rng=rng or random.Random(),
            admit=novelty.admit,
        )
    except UnknownWord as error:
        raise CannotGenerate(str(error)) from None
