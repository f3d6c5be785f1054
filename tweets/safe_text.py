"""Generated text that cannot spam: a corpus's @handles neutralised and its links dropped
(an X archive is full of both), and a word filter, PyPI wordfilter's list and the bot's own
blocked words, that throws a draft away.

wordfilter matches its list inside any string ("abo" in "about", "lame" in "blame"), which
would throw away most sentences of a novel; here each entry is matched as a whole word (or
words), its plural too, ignoring case.
"""

import re
from functools import cache

from wordfilter import Wordfilter

from bots.words import holds_phrase, words_of
from platforms.x.handles import neutralise_handles
from platforms.x.text import remove_urls

_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")


def clean_text(text: str) -> str:
    """`text` with each @handle's @ dropped (it names the account, mentions no one) and
    each link X would see removed, spacing mended."""
    return drop_links(neutralise_handles(text))


def drop_links(text: str) -> str:
    """`text` without the links X would see in it, spacing mended."""
    text = remove_urls(text, " ")
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text))
    return text.strip()


@cache
def listed_words() -> frozenset[str]:
    """wordfilter's list (read once per process), each entry as its words, space-joined."""
    return frozenset(" ".join(words_of(entry)) for entry in Wordfilter().blacklist)


class WordFilter:
    """Blocked words, matched whole: `blocked_word(text)` names the first one in a text."""

    def __init__(self, extra=()):
        entries = listed_words() | {" ".join(words_of(word)) for word in extra}
        self._single = {entry for entry in entries if entry and " " not in entry}
        self._phrases = [entry for entry in entries if " " in entry]

    def blocked_word(self, text: str) -> str:
        """The first blocked word of `text` ('' when none): a listed word itself or its
        plural (-s, -es) or possessive ('s), or a listed phrase of several words."""
        words = words_of(text)
        for word in words:
            for ending in ("", "s", "es", "'s", "\u2019s"):
                if word.endswith(ending) and word.removesuffix(ending) in self._single:
                    return word.removesuffix(ending)
        return next((phrase for phrase in self._phrases if holds_phrase(words, phrase)), "")


def filter_for(bot) -> WordFilter:
    """wordfilter's list and the bot's own blocked words."""
    return WordFilter(bot.blocked_words)
