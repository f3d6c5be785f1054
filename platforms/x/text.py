"""Tweet length exactly as X counts it: twitter-text v3 (weighted code point ranges, URLs as
23, emoji sequences as 2, NFC normalisation, limit 280).

A port of twitter-text 3.1.0's parseTweet and extractUrlsWithIndices. The library works on
JavaScript strings, so its regular expressions, indices and weights are in UTF-16 code
units; this module runs the same expressions (platforms.x.text_patterns, generated from the
library) over a string of UTF-16 code units, which makes every index agree by construction.
"""

import re
import unicodedata
from collections.abc import Iterator

from platforms.x import text_patterns

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
TRANSFORMED_URL_LENGTH = 23
RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
MAX_DOMAIN_LABEL_LENGTH = 63
DEFAULT_PROTOCOL = "https://"

# Characters whose case-insensitive match differs between JavaScript (which folds through
# toUpperCase and never onto ASCII from outside it) and Python's re (which folds through
# lowercase, with its own extra pairs). Swapped, before matching, for a character in the same
# ranges of the expressions that has no such folding: indices and lengths, all that counting
# needs, are unchanged. Found by comparing every BMP case pair under both engines.
_CASE_TRAPS = str.maketrans(
    {
        "\u017f": "\u0180",  # long s: Python folds it onto "s"
        "\u0131": "\u0180",  # dotless i
        "\u0130": "\u0180",  # dotted capital I: Python folds it onto "i"
        "\u212a": "\u2129",  # Kelvin sign: Python folds it onto "k"
        "\u212b": "\u2129",  # Angstrom sign: Python folds it onto "å"
        "\u2126": "\u2129",  # Ohm sign
        "\u1e9e": "\u0180",  # capital sharp s
        # Node's ICU (Unicode 16+) pairs it with "ƛ", inside the expressions' Latin ranges;
        # Python 3.11's Unicode 14 does not know the character at all.
        "\ua7dc": "\u0180",
    }
)


def _compile(pattern: tuple[str, str]) -> re.Pattern:
    source, flags = pattern
    return re.compile(_translate(source), re.IGNORECASE if "i" in flags else 0)


def _translate(source: str) -> str:
    """A JavaScript (non-unicode-mode) regular expression as Python's re reads it the same:
    `$` is the end of input, `.` excludes JavaScript's line terminators, and a class may hold
    characters Python would take for a nested set."""
    out = []
    in_class = False
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            out.append(source[index : index + 2])
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[" or (char in "-&~|" and out and out[-1] == char):
                char = "\\" + char
        elif char == "[":
            in_class = True
            if source.startswith("[^]", index):
                out.append("[\\s\\S]")
                index += 3
                in_class = False
                continue
        elif char == "$":
            char = r"\Z"
        elif char == ".":
            char = "[^\\n\\r\\u2028\\u2029]"
        out.append(char)
        index += 1
    return "".join(out)


_EXTRACT_URL = _compile(text_patterns.EXTRACT_URL)
_VALID_ASCII_DOMAIN = _compile(text_patterns.VALID_ASCII_DOMAIN)
_VALID_TCO_URL = _compile(text_patterns.VALID_TCO_URL)
_INVALID_PRECEDING = _compile(text_patterns.INVALID_URL_WITHOUT_PROTOCOL_PRECEDING_CHARS)
_INVALID_CHARS = _compile(text_patterns.INVALID_CHARS)
_EMOJI = _compile(text_patterns.EMOJI)

# Every URL the expression finds has a "." right before its top-level domain, and every
# top-level domain starts with a letter: text without such a dot ("Done. Next") skips the
# expensive expression (twitter-text itself only skips text without any ".").
_MAY_HOLD_URL = re.compile("\\.[A-Za-z\u0080-\uffff]")
# X's light ranges all weigh 1 (SCALE); _plain_weight counts on it.
_LIGHT_UNITS = re.compile("|".join(f"[\\u{start:04x}-\\u{end:04x}]" for start, end, _ in RANGES))
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def weighted_length(text: str) -> int:
    """The length X gives `text` (a URL counts 23, an emoji 2, CJK characters 2 each)."""
    return _parse(text)[0]


def is_valid(text: str) -> bool:
    """True when X would accept `text` as a post: at least one character (whitespace will
    do), none of U+FFFE, U+FEFF, U+FFFF, and at most 280 as X counts it."""
    return _parse(text)[1]


def has_url(text: str) -> bool:
    """True when X would see a link in `text` (the same URL extraction as the length)."""
    units = _utf16_units(unicodedata.normalize("NFC", text))
    return next(_extract_urls(units), None) is not None


def remove_urls(text: str, replacement: str = "") -> str:
    """`text` (NFC normalised) with each link X would see in it, with or without a protocol,
    replaced by `replacement`: for comparing texts whose links X rewrites, or dropping them."""
    units = _utf16_units(unicodedata.normalize("NFC", text))
    kept = []
    after = 0
    for start, end, _url in _extract_urls(units):
        kept.append(units[after:start])
        kept.append(replacement)
        after = end
    if not kept:
        return _from_utf16_units(units)
    kept.append(units[after:])
    return _from_utf16_units("".join(kept))


def _parse(text: str) -> tuple[int, bool]:
    units = _utf16_units(unicodedata.normalize("NFC", text))
    urls = {start: len(url) for start, _end, url in _extract_urls(units)}
    # The emoji expression matches nothing made of ASCII alone.
    emoji = _emoji_lengths(units) if not units.isascii() else {}
    if urls or emoji:
        weighted, valid = _walk(units, urls, emoji)
    else:
        weighted, valid = _plain_weight(units), not _INVALID_CHARS.search(units)
    length = weighted // SCALE
    return length, valid and 0 < length <= MAX_WEIGHTED_LENGTH


def _walk(units: str, urls: dict[int, int], emoji: dict[int, int]) -> tuple[int, bool]:
    """parseTweet's loop: a URL or emoji starting at an index counts once and is skipped
    (only its last unit is checked for invalid characters), a surrogate pair counts as its
    low half, anything else by its range."""
    weighted = 0
    valid = True
    index = 0
    size = len(units)
    while index < size:
        if index in urls:
            weighted += TRANSFORMED_URL_LENGTH * SCALE
            index += urls[index] - 1
        elif index in emoji:
            weighted += DEFAULT_WEIGHT
            index += emoji[index] - 1
        else:
            if _is_high_surrogate(units, index):
                index += 1
            weighted += _weight(ord(units[index]))
        if valid and _INVALID_CHARS.match(units, index):
            valid = False
        index += 1
    return weighted, valid


def _plain_weight(units: str) -> int:
    """_walk's sum for text without URLs or emoji, without a Python loop per character."""
    if units.isascii():
        return len(units) * SCALE
    heavy = len(_LIGHT_UNITS.sub("", units))
    pairs = len(_SURROGATE_PAIR.findall(units))
    return (len(units) - heavy) * SCALE + (heavy - pairs) * DEFAULT_WEIGHT


def _weight(code_unit: int) -> int:
    for start, end, weight in RANGES:
        if start <= code_unit <= end:
            return weight
    return DEFAULT_WEIGHT


def _utf16_units(text: str) -> str:
    """The text as a string of UTF-16 code units (astral characters as surrogate pairs)."""
    if text.isascii() or max(text) < "\U00010000":
        return text
    return _ASTRAL.sub(_surrogate_pair, text)


def _from_utf16_units(units: str) -> str:
    if units.isascii():
        return units
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _surrogate_pair(match: re.Match) -> str:
    offset = ord(match.group()) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _is_high_surrogate(units: str, index: int) -> bool:
    # Like twitter-text's isSurrogatePair: the pair's low half is then the one weighed.
    return (
        index + 1 < len(units)
        and 0xD800 <= ord(units[index]) <= 0xDBFF
        and 0xDC00 <= ord(units[index + 1]) <= 0xDFFF
    )


def _emoji_lengths(units: str) -> dict[int, int]:
    """Start and length of each emoji entity, as twemoji-parser's parse finds them."""
    return {match.start(): match.end() - match.start() for match in _EMOJI.finditer(units)}


def _extract_urls(units: str) -> Iterator[tuple[int, int, str]]:
    """Start, end and url text of each URL entity as extractUrlsWithIndices finds them, URLs
    without a protocol included. parseTweet skips as many units as the url text has, which
    is not always the span of the entity's indices (see below)."""
    if not _MAY_HOLD_URL.search(units):
        return
    subject = units.translate(_CASE_TRAPS)
    for match in _EXTRACT_URL.finditer(subject):
        before, url, protocol, domain, path = (match.group(n) or "" for n in (2, 3, 4, 5, 7))
        start = match.end() - len(url)
        written_domain = units[match.start(5) : match.end(5)]
        if not _is_valid_url(url, protocol or DEFAULT_PROTOCOL, written_domain):
            continue
        if protocol:
            tco = _VALID_TCO_URL.match(url)
            if tco:
                if tco.group(1) and len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group(0)
            yield start, start + len(url), url
            continue
        if _INVALID_PRECEDING.search(before):
            continue
        # Each ASCII-only domain inside is an entity of its own; the last one carries the
        # path, even when the domain goes on after it ("abc.comテスト.みんな/x" gives the
        # text "abc.com/x", yet parseTweet skips that many units from "a").
        entities = []
        search_from = 0
        for ascii_domain in _VALID_ASCII_DOMAIN.finditer(domain):
            found = ascii_domain.group(0)
            ascii_start = domain.find(found, search_from)
            search_from = ascii_start + len(found)
            entities.append((start + ascii_start, start + search_from, found))
        if not entities:
            continue
        if path:
            last_start, _last_end, last_text = entities[-1]
            entities[-1] = (last_start, match.end(), url.replace(domain, last_text, 1))
        yield from entities


def _is_valid_url(url: str, protocol: str, domain: str) -> bool:
    # twitter-text's idna.toAscii gives back the domain itself when every label encodes to
    # 1..63 characters, so the length check below sees the URL as written.
    if not _domain_encodes(domain):
        return False
    return len(protocol) + len(url) <= MAX_URL_LENGTH


def _domain_encodes(domain: str) -> bool:
    if domain[:4] == "xn--" and not _VALID_ASCII_DOMAIN.search(domain.translate(_CASE_TRAPS)):
        return False  # a punycode domain cannot hold non-ASCII characters
    return all(
        1 <= _punycode_length(label) <= MAX_DOMAIN_LABEL_LENGTH for label in domain.split(".")
    )


def _punycode_length(label: str) -> int:
    """len(punycode.toASCII(label)) as punycode.js 1.4.1 computes it. (Its handling of "@"
    is left out: the URL expression never lets one into a domain.)"""
    parts = re.split("[\u3002\uff0e\uff61]", label)
    total = len(parts) - 1
    for part in parts:
        if re.search("[^\x20-\x7e]", part):
            # punycode.js encodes code points, pairing surrogates as it goes.
            code_points = part.encode("utf-16-le", "surrogatepass").decode(
                "utf-16-le", "surrogatepass"
            )
            total += 4 + len(code_points.encode("punycode"))
        else:
            total += len(part)
    return total
