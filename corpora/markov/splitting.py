"""Sentence splitting for the Markov engine: where a text's sentences end, and where it holds
quotes or brackets that a chain would leave unbalanced."""

import re
from collections.abc import Iterator
from itertools import pairwise

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_CLOSERS = "\"')]}\u00bb\u201d\u2019"  # typographic closing quotes too
_OPENERS = "\"'([{\u00ab\u201c\u2018"
_DASHES = "-\u2013\u2014"
# A word ending in ! (or ?, or .), then closers, before a word that starts neither with an
# ASCII lower-case letter nor a dash; group 1 is that word's first character. One pattern per
# mark: the regex engine finds a literal first character several times faster than a class.
_NEXT_WORD = f"[{re.escape(_CLOSERS)}]*(?=\\s+([^\\sa-z{re.escape(_DASHES)}]))"
_BANG_ENDS = (re.compile("!" + _NEXT_WORD), re.compile(r"\?" + _NEXT_WORD))
_PERIOD_END = re.compile(r"\." + _NEXT_WORD)
_INITIALISM = re.compile(r"[A-Za-z0-9]{1,2}(?:\.[A-Za-z0-9]{1,2})+\.")
# markovify's splitters.py lists (states, titles, streets, months), plus a few more.
_ABBR_CAPPED = frozenset(
    {
        *("ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind"),
        *("kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev"),
        *("okla", "ore", "pa", "tenn", "vt", "va", "wash", "wis", "wyo", "u.s", "mr", "ms"),
        *("mrs", "msr", "dr", "gov", "pres", "sen", "sens", "rep", "reps", "prof", "gen"),
        *("messrs", "col", "sr", "jf", "sgt", "mgr", "fr", "rev", "jr", "snr", "atty", "supt"),
        *("ave", "blvd", "st", "rd", "hwy", "jan", "feb", "mar", "apr", "jun", "jul", "aug"),
        *("sep", "sept", "oct", "nov", "dec", "mt", "ft", "co", "corp", "inc", "ltd", "bros"),
        *("dept", "esq", "hon", "capt", "lt", "maj", "mme", "mlle", "univ"),
    }
)
_ABBR_LOWER = frozenset({"etc", "v", "vs", "viz", "al", "pct", "cf", "approx", "ca", "esp"})
# "No." is an answer as often as an abbreviation: only a number after it decides.
_ABBR_BEFORE_NUMBER = frozenset({"no", "nos", "vol", "vols", "fig", "figs", "art", "p", "pp"})
# markovify drops source sentences with quotes or brackets, which a chain would leave unbalanced;
# unidecode makes it catch the typographic quotes too. A bracket or double quote counts
# anywhere, a single quote only at the start or end of a word (not in "don't"). One pattern
# per mark: the regex engine finds a literal first character several times faster than a class.
_BRACKETS = '"()[]\u00ab\u00bb\u201c\u201d\u201e\u201f'
_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")
_UNBALANCED = [(mark, re.compile(re.escape(mark))) for mark in _BRACKETS] + [
    (mark, re.compile(re.escape(mark) + r"(?:(?<!\S.)|(?!\S))")) for mark in _QUOTES
]


def split_sentences(text: str) -> Iterator[list[str]]:
    """The text's sentences, each a list of its whitespace-delimited words kept verbatim.

    A sentence ends at a blank line or at a word ending in . ! or ? (closing quotes and
    brackets may follow) unless the next word starts in lower case or with a dash, or the word
    is an abbreviation (Mr. Dr. St. etc. e.g. U.S. J. and the like; No. and p. before a number).
    """
    bounds = [0, *sentence_ends(text, 0)]
    for start, end in pairwise(bounds):
        if words := text[start:end].split():
            yield words


def sentence_ends(text: str, start: int) -> list[int]:
    """Offsets in ``text`` (from ``start`` on) where sentences end, ascending, with len(text)
    last. Regular expressions find the few places worth a look (blank lines, words ending in
    . ! or ? before a word that is not in lower case), so no Python code runs per word."""
    ends = [match.start() for match in _PARAGRAPH_BREAK.finditer(text, start)]
    for bang in _BANG_ENDS:
        ends += [m.end() for m in bang.finditer(text, start) if not m[1].islower()]
    kinds = {}  # a word's _end_kind, asked again for each Mr. or Holmes.
    for match in _PERIOD_END.finditer(text, start):
        end, following = match.end(), match[1]
        low = end - 32 if end - 32 > start else start
        word = text[low:end].rsplit(None, 1)[-1]
        if len(word) == end - low and low > start:  # a long word: look further back
            word = _word_before(text, start, end)
        kind = kinds.get(word)
        if kind is None:
            kind = kinds[word] = _end_kind(word)
        ends_here = kind == _ENDS or (kind == _ENDS_UNLESS_NUMBER and not following.isdigit())
        if ends_here and not following.islower():
            ends.append(end)
    ends.sort()
    ends.append(len(text))
    return ends


def _word_before(text: str, start: int, end: int) -> str:
    """The whitespace-delimited word of ``text`` that ends at ``end`` (not before ``start``)."""
    low = max(start, end - 32)
    while True:
        word = text[low:end].rsplit(None, 1)[-1]
        if len(word) < end - low or low == start:
            return word
        low = max(start, 2 * low - end)


_NEVER, _ENDS, _ENDS_UNLESS_NUMBER = range(3)


def _end_kind(word: str) -> int:
    """Whether a word ending in "." (closers may follow) ends its sentence when the next word
    starts neither in lower case nor with a dash: _NEVER, _ENDS, or _ENDS_UNLESS_NUMBER
    (No. 5, p. 12)."""
    core = word.rstrip(_CLOSERS)
    core = core.lstrip(_OPENERS) or core
    if _INITIALISM.fullmatch(core):
        return _NEVER
    if sum(map(str.isupper, core)) > 1:
        return _ENDS
    clipped = core[:-1].lower()
    if not clipped:
        return _ENDS
    if core[0].isupper():
        ends = len(clipped) > 1 and clipped not in _ABBR_CAPPED
    else:
        ends = clipped not in _ABBR_LOWER
    if not ends:
        return _NEVER
    return _ENDS_UNLESS_NUMBER if clipped in _ABBR_BEFORE_NUMBER else _ENDS


def unbalanced_marks(text: str, start: int = 0) -> list[int]:
    """Where ``text`` (from ``start`` on) has a quote or bracket that a chain would leave
    unbalanced: one pass per mark that the text holds at all."""
    marks = []
    for mark, pattern in _UNBALANCED:
        if text.find(mark, start) >= 0:
            marks += [match.start() for match in pattern.finditer(text, start)]
    if start and text.startswith(_QUOTES, start):  # the first word, after byte order marks
        marks.append(start)
    return marks
