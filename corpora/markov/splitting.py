"""Sentence splitting for the Markov engine: where a text's sentences end, and where it holds
quotes or brackets that a chain would leave unbalanced."""

import codecs
import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import pairwise, repeat
from operator import lt

_PARAGRAPH_BREAK = re.compile(rb"\n[^\S\n]*\n")
_CLOSERS = "\"')]}\u00bb\u201d\u2019"  # typographic closing quotes too
_OPENERS = "\"'([{\u00ab\u201c\u2018"
_DASHES = "-\u2013\u2014"
_BOM = "\ufeff".encode()


def _one_of(marks: str) -> bytes:
    """A pattern for any one of ``marks``, each as its UTF-8 bytes."""
    return b"(?:" + b"|".join(re.escape(mark.encode()) for mark in marks) + b")"


# The text is searched as UTF-8 bytes: a str holding one emoji takes 4 bytes a character.
# Whitespace other than ASCII's is made a space first (see utf8_text), so \s is all of it.
# A word ending in ! (or ?, or .), then closers, before a word that starts neither with an
# ASCII lower-case letter nor a dash; group 1 is that word's first character (lower case
# outside ASCII is asked of Python). One pattern per mark: the regex engine finds a literal
# first character several times faster than a class.
_NEXT_WORD = (
    _one_of(_CLOSERS)
    + b"*(?=\\s+([^\\sa-z\\x80-\\xff-]|(?!"
    + _one_of(_DASHES[1:])
    + b")[\\xc0-\\xff][\\x80-\\xbf]*))"
)
_BANG_ENDS = (re.compile(b"!" + _NEXT_WORD), re.compile(b"\\?" + _NEXT_WORD))
_PERIOD_END = re.compile(b"\\." + _NEXT_WORD)
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
# anywhere, a single quote only at the start or end of a word (not in "don't").
_BRACKETS = '"()[]\u00ab\u00bb\u201c\u201d\u201e\u201f'
_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")
# The brackets in ASCII, which most texts hold, are all made one byte that UTF-8 never uses
# and looked for in each sentence at once (see unmarked).
_FLAG = b"\xfe"
_ASCII_BRACKETS = "".join(mark for mark in _BRACKETS if mark.isascii()).encode()
_FLAGGED = bytes.maketrans(_ASCII_BRACKETS, _FLAG * len(_ASCII_BRACKETS))
# The other marks, one pattern each: the regex engine finds a literal first character several
# times faster than a class.
_OTHER_MARKS = [
    (mark.encode(), re.compile(re.escape(mark.encode())))
    for mark in _BRACKETS
    if not mark.isascii()
] + [
    (
        mark.encode(),
        re.compile(
            re.escape(mark.encode()) + b"(?:(?<!\\S" + b"." * len(mark.encode()) + b")|(?!\\S))"
        ),
    )
    for mark in _QUOTES
]
_QUOTE_BYTES = tuple(mark.encode() for mark in _QUOTES)
# Whitespace to str.split() but not to bytes.split(), as UTF-8: the ASCII separators, and
# the rest of Unicode's spaces (U+2000 to U+200A, U+2028, U+2029 and U+202F in one class).
_OTHER_SPACES = tuple(
    re.compile(pattern)
    for pattern in (
        rb"[\x1c-\x1f]",
        rb"\xc2[\x85\xa0]",
        rb"\xe1\x9a\x80",
        rb"\xe2\x80[\x80-\x8a\xa8\xa9\xaf]",
        rb"\xe2\x81\x9f",
        rb"\xe3\x80\x80",
    )
)
_ASCII = bytes(range(128))
_ASCII_BUT_SEPARATORS = bytes(sorted(set(range(128)) - set(range(0x1C, 0x20))))
_CHECKED_AT_ONCE = 1 << 16


def utf8_text(text: str | bytes) -> bytes:
    """The text as UTF-8 bytes (lone surrogates kept), with each whitespace character that
    bytes.split() and a bytes pattern's \\s would miss made an ASCII space, so that words and
    patterns see the whitespace that str.split() sees. Bytes that are not UTF-8 raise
    UnicodeDecodeError."""
    if isinstance(text, str):
        data = text.encode("utf-8", "surrogatepass")
    else:
        data = text if isinstance(text, bytes) else bytes(text)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for at in range(0, len(data), _CHECKED_AT_ONCE):  # a few ms for 10 MB, no big str
                decoder.decode(data[at : at + _CHECKED_AT_ONCE])
            decoder.decode(b"", True)
        except UnicodeDecodeError:
            data.decode()  # the same error, with its offset in the whole text
    # Most texts hold none of them: the bytes left once ASCII is dropped tell, in one pass.
    rest = data.translate(None, _ASCII_BUT_SEPARATORS)
    for pattern in _OTHER_SPACES:
        if pattern.search(rest):
            data = pattern.sub(b" ", data)
    return data


def split_sentences(text: str) -> Iterator[list[str]]:
    """The text's sentences, each a list of its whitespace-delimited words kept verbatim.

    A sentence ends at a blank line or at a word ending in . ! or ? (closing quotes and
    brackets may follow) unless the next word starts in lower case or with a dash, or the word
    is an abbreviation (Mr. Dr. St. etc. e.g. U.S. J. and the like; No. and p. before a number).
    """
    data = utf8_text(text)
    bounds = [0, *sentence_ends(data, 0)]
    for start, end in pairwise(bounds):
        if words := data[start:end].decode("utf-8", "surrogatepass").split():
            yield words


def sentence_ends(data: bytes, start: int) -> list[int]:
    """Offsets in ``data`` (utf8_text's bytes, from ``start`` on) where sentences end,
    ascending, with len(data) last. Regular expressions find the few places worth a look
    (blank lines, words ending in . ! or ? before a word that is not in lower case), so no
    Python code runs per word."""
    ends = [match.start() for match in _PARAGRAPH_BREAK.finditer(data, start)]
    for bang in _BANG_ENDS:
        ends += [m.end() for m in bang.finditer(data, start) if _is_not_lower(m[1])]
    kinds = {}  # a word's kind, asked again for each Mr. or Holmes.
    for match in _PERIOD_END.finditer(data, start):
        end = match.end()
        low = end - 32 if end - 32 > start else start
        word = data[low:end].rsplit(None, 1)[-1]
        if len(word) == end - low and low > start:  # a long word: look further back
            word = _word_before(data, start, end)
        kind = kinds.get(word)
        if kind is None:
            kind = kinds[word] = _word_kind(word)
        if kind == _ENDS or (kind == _ENDS_UNLESS_NUMBER and not _is_digit(match[1])):
            following = match[1]
            if len(following) == 1 or _is_not_lower(following):
                ends.append(end)
    ends.sort()
    ends.append(len(data))
    return ends


def _is_not_lower(first: bytes) -> bool:
    # One byte is ASCII, and the patterns let no lower-case ASCII letter through.
    return len(first) == 1 or not first.decode("utf-8", "surrogatepass").islower()


def _is_digit(first: bytes) -> bool:
    return (first if len(first) == 1 else first.decode("utf-8", "surrogatepass")).isdigit()


def _word_before(data: bytes, start: int, end: int) -> bytes:
    """The whitespace-delimited word of ``data`` that ends at ``end`` (not before ``start``)."""
    low = max(start, end - 32)
    while True:
        word = data[low:end].rsplit(None, 1)[-1]
        if len(word) < end - low or low == start:
            return word
        low = max(start, 2 * low - end)


_NEVER, _ENDS, _ENDS_UNLESS_NUMBER = range(3)
_ASCII_CLOSERS, _ASCII_OPENERS = b"\"')]}", b"\"'([{"
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ABBR_CAPPED_BYTES = frozenset(map(str.encode, _ABBR_CAPPED))
_ABBR_LOWER_BYTES = frozenset(map(str.encode, _ABBR_LOWER))
_ABBR_BEFORE_NUMBER_BYTES = frozenset(map(str.encode, _ABBR_BEFORE_NUMBER))


def _word_kind(word: bytes) -> int:
    """_end_kind of a word as UTF-8 bytes. A word of ASCII letters and digits before its
    period (most words), with ASCII quotes or brackets around, is decided here on its bytes
    in a few steps: it holds no initialism. Any other goes to _end_kind."""
    core = word.rstrip(_ASCII_CLOSERS)
    inner = core[:-1].lstrip(_ASCII_OPENERS)
    if not (core.endswith(b".") and inner.isalnum()):  # bytes.isalnum() is ASCII's
        return _end_kind(word.decode("utf-8", "surrogatepass"))
    if len(inner) - len(inner.translate(None, _ASCII_UPPER)) > 1:
        return _ENDS
    clipped = inner.lower()
    if inner[0] in _ASCII_UPPER:
        ends = len(clipped) > 1 and clipped not in _ABBR_CAPPED_BYTES
    else:
        ends = clipped not in _ABBR_LOWER_BYTES
    if not ends:
        return _NEVER
    return _ENDS_UNLESS_NUMBER if clipped in _ABBR_BEFORE_NUMBER_BYTES else _ENDS


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


def unmarked(data: bytes, starts: list[int], ends: list[int]) -> list[bool]:
    """For each sentence data[starts[i] : ends[i]] (ends ascending, as sentence_ends gives
    them, after the first start), whether it holds no quote or bracket that a chain would
    leave unbalanced.

    The brackets and double quote of ASCII, made one flag byte, are looked for in every
    sentence by one map of bytes.find; each other mark, one pass per mark the text holds,
    marks the sentence that bisection finds it in.
    """
    flagged = data.translate(_FLAGGED)
    keep = list(map(lt, map(flagged.find, repeat(_FLAG), starts, ends), repeat(0)))
    # Only the marks a text holds at all are looked for: those outside ASCII (that few
    # texts hold) in the bytes left once ASCII is dropped, a small part of most texts.
    rest = b"" if data.isascii() else data.translate(None, _ASCII)
    first = starts[0]
    found = []
    for mark, pattern in _OTHER_MARKS:
        if len(mark) == 1 or mark in rest:
            found += [match.start() for match in pattern.finditer(data, first)]
    if first and data.startswith(_QUOTE_BYTES, first):  # the first word, after byte order marks
        found.append(first)
    for sentence in set(map(bisect_right, repeat(ends), found)):
        keep[sentence] = False
    return keep
