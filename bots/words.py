"""Words as the rules that look for them read a text: whole words, case folded, and the lists
of words or phrases an owner gives a bot (blocked words, stop words)."""

import re

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def words_of(text: str) -> list[str]:
    """The text's words, case folded (apostrophes kept inside a word)."""
    return [word.casefold() for word in _WORD.findall(text)]


def parse_phrases(text: str) -> list[str]:
    """'Foo, Bar  baz' -> ['foo', 'bar baz']: comma-, semicolon- or line-separated words or
    phrases, each as its words space-joined, lower case, unique, in order."""
    phrases = (" ".join(words_of(part)) for part in re.split(r"[,;\n]", text))
    return list(dict.fromkeys(phrase for phrase in phrases if phrase))


def parse_blocked_words(text: str) -> list[str]:
    return parse_phrases(text)


def holds_phrase(text_words: list[str], phrase: str) -> bool:
    """Whether the words `text_words` hold `phrase` (space-joined words) as whole words."""
    return f" {phrase} " in f" {' '.join(text_words)} "
