"""Writing new drafts in a bot's voice: the Markov model, its network's length rule, and a
seed word; text that cannot spam (tweets.safe_text) and does not repeat (tweets.novelty)."""

import random
from dataclasses import dataclass, field

from corpora.markov import UnknownWord
from corpora.model_cache import NoModel, bot_model
from corpora.sampling import MIN_WORDS, sample_sentences
from platforms import rules_for
from tweets.novelty import index_for
from tweets.safe_text import clean_text, filter_for, words_of


class CannotGenerate(Exception):
    """Nothing can be generated: no ready corpus, or a seed word the corpus lacks."""


@dataclass
class Generated:
    texts: list[str] = field(default_factory=list)
    # Sentences thrown away for repeating the bot's (or its flock's) posts or each other.
    repeats: int = 0
    # Sentences thrown away for holding a blocked word.
    blocked: int = 0


def generate_texts(
    bot, *, count: int, seed: str = "", rng: random.Random | None = None, address: str = ""
) -> Generated:
    """Up to `count` new sentences for the bot (none saved): each cleaned of @handles and
    links when the bot asks it (Bot.clean_generated_text), free of blocked words, and unlike
    the bot's recent posts, its waiting drafts and queued tweets, the others, and on X the
    flock's (tweets.novelty); `repeats` and `blocked` count those thrown away. Raises
    CannotGenerate. With `address` (a reply's "@author ", Rules.reply_address) each text
    begins with it, in the length that is left."""
    try:
        model = bot_model(bot)
    except NoModel as error:
        raise CannotGenerate(str(error)) from None
    novelty = index_for(bot)
    words = filter_for(bot)
    rules = rules_for(bot)
    generated = Generated()
    cleaned: dict[str, str] = {}

    def admit(sentence: str) -> bool:
        text = clean_text(sentence) if bot.clean_generated_text else sentence
        if len(words_of(text)) < MIN_WORDS:
            return False
        if words.blocked_word(text):
            generated.blocked += 1
            return False
        if not novelty.admit(text):
            generated.repeats += 1
            return False
        cleaned[sentence] = text
        return True

    try:
        sampled = sample_sentences(
            model,
            count=count,
            seed=seed,
            max_length=rules.max_length - rules.weighted_length(address),
            length=rules.weighted_length,
            rng=rng or random.Random(),
            admit=admit,
        )
    except UnknownWord as error:
        raise CannotGenerate(str(error)) from None
    generated.texts = [address + cleaned[sentence] for sentence in sampled.texts]
    return generated
