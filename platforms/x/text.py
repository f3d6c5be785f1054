"""Tweet length exactly as X counts it: twitter-text v3 (weighted code point ranges, URLs as
23, emoji sequences as 2, NFC normalisation, limit 280).

A port of twitter-text 3.1.0's parseTweet and extractUrlsWithIndices. The library works on
JavaScript strings, so its regular expressions, indices and weights are in UTF-16 code
units; this module runs the same expressions (platforms.x.text_patterns, generated from the
library) over a string of UTF-16 code units, which makes every index agree by construction.
"""

import bisect
import re
import unicodedata
from collections.abc import Iterator

from platforms.x import text_patterns as patterns

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
TRANSFORMED_URL_LENGTH = 23
RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
MAX_DOMAIN_LABEL_LENGTH = 63
DEFAULT_PROTOCOL = "https://"
# No valid post is longer than this many UTF-16 code units (after NFC). At most 12 links fit
# in 280 (23 each), each skips at most MAX_URL_LENGTH units; every other unit weighs at least
# 1/7 (an emoji, at most 14 units, weighs 2), so the 4 left cover at most 28 units more.
MAX_VALID_UNITS = (MAX_WEIGHTED_LENGTH // TRANSFORMED_URL_LENGTH + 1) * MAX_URL_LENGTH

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


_TLD_SOURCE = (
    "(?:"
    + "|".join(
        source
        for source, _flags in (patterns.VALID_GTLD, patterns.VALID_CCTLD, patterns.VALID_PUNYCODE)
    )
    + ")"
)
# EXTRACT_URL and VALID_ASCII_DOMAIN in parts (tests check that the parts make them up), all
# with EXTRACT_URL's flags as twitter-text's regexSupplant gives them: the preceding character,
# the protocol, the domain's top-level domain, and what follows the domain.
_PRECEDING = _compile((patterns.VALID_URL_PRECEDING_CHARS[0], "i"))
_PROTOCOL = _compile(("https?:\\/\\/", "i"))
_TLD = _compile((_TLD_SOURCE, "i"))
_URL_TAIL = _compile(
    (
        f"(?::({patterns.VALID_PORT_NUMBER[0]}))?(\\/{patterns.VALID_URL_PATH[0]}*)?"
        f"(\\?{patterns.VALID_URL_QUERY_CHARS[0]}*{patterns.VALID_URL_QUERY_ENDING_CHARS[0]})?",
        "i",
    )
)
# A run of the characters a domain's labels are made of (validSubdomain's): domain characters,
# "_" and "-"; each label is such a run followed by ".".
_DOMAIN_RUN = _compile((f"(?:{patterns.VALID_DOMAIN_CHARS[0]}|[_-])+", "i"))
_ASCII_LABEL = _compile((f"[\\-a-z0-9{patterns.LATIN_ACCENT_CHARS[0]}]+", "i"))
# Longer than any listed top-level domain with the character after it; only the punycode one
# ("xn--" and any run of [-0-9a-z]) can read further.
_TLD_WINDOW = 64
_NOT_PUNYCODE = _compile(("[^\\-0-9a-z]", "i"))
_VALID_TCO_URL = _compile(patterns.VALID_TCO_URL)
_INVALID_PRECEDING = _compile(patterns.INVALID_URL_WITHOUT_PROTOCOL_PRECEDING_CHARS)
_INVALID_CHARS = _compile(patterns.INVALID_CHARS)
_EMOJI = _compile(patterns.EMOJI)

# Every URL the expression finds has a "." right before its top-level domain, and every
# top-level domain starts with a letter: text without such a dot ("Done. Next") skips the
# expensive expression (twitter-text itself only skips text without any ".").
_MAY_HOLD_URL = re.compile("\\.[A-Za-z\u0080-\uffff]")
# X's light ranges all weigh 1 (SCALE); _plain_weight counts on it.
_LIGHT_UNITS = re.compile("|".join(f"[\\u{start:04x}-\\u{end:04x}]" for start, end, _ in RANGES))
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def weighted_length(text: str) -> int:
    """The length X gives `text` (a URL counts 23, an emoji 2, CJK characters 2 each). For a
    text too long to be valid (over MAX_VALID_UNITS), a lower bound, itself over the limit."""
    return _parse(text)[0]


def is_valid(text: str) -> bool:
    """True when X would accept `text` as a post: at least one character (whitespace will
    do), none of U+FFFE, U+FEFF, U+FFFF, and at most 280 as X counts it."""
    return _parse(text)[1]


def has_url(text: str) -> bool:
    """True when X would see a link in `text` (the same URL extraction as the length)."""
    units = _utf16_units(unicodedata.normalize("NFC", text))
    return next(_extract_urls(units), None) is not None


def urls_in(text: str) -> list[str]:
    """The links X would see in `text` (NFC normalised), in order, as written."""
    units = _utf16_units(unicodedata.normalize("NFC", text))
    return [_from_utf16_units(units[start:end]) for start, end, _url in _extract_urls(units)]


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
    if len(units) > MAX_VALID_UNITS:
        # Refused before anything is matched: at best every MAX_URL_LENGTH units are a link.
        return len(units) * TRANSFORMED_URL_LENGTH // MAX_URL_LENGTH, False
    urls = {start: len(url) for start, _end, url in _extract_urls(units)}
    # The emoji expression matches nothing made of ASCII alone, nor do the invalid characters.
    ascii = units.isascii()
    emoji = _emoji_lengths(units) if not ascii else {}
    if urls or emoji:
        weighted, valid = _walk(units, urls, emoji)
    else:
        weighted, valid = _plain_weight(units), ascii or not _INVALID_CHARS.search(units)
    length = weighted // SCALE
    return length, valid and 0 < length <= MAX_WEIGHTED_LENGTH


def _walk(units: str, urls: dict[int, int], emoji: dict[int, int]) -> tuple[int, bool]:
    """parseTweet's loop: a URL or emoji starting at an index it reaches counts once and is
    skipped (only its last unit is checked for invalid characters), a surrogate pair counts as
    its low half, anything else by its range. The units between the entities it reaches are
    weighed as _plain_weight weighs them, with no Python loop per character (no entity starts
    inside a surrogate pair, and no invalid character is a surrogate)."""
    weighted = 0
    valid = True
    index = 0
    for start in sorted(urls.keys() | emoji.keys()):
        if start < index:
            continue  # inside an entity already skipped
        between = units[index:start]
        weighted += _plain_weight(between)
        valid = valid and not _INVALID_CHARS.search(between)
        if start in urls:
            weighted += TRANSFORMED_URL_LENGTH * SCALE
            index = start + urls[start]
        else:
            weighted += DEFAULT_WEIGHT
            index = start + emoji[start]
        if valid and _INVALID_CHARS.match(units, index - 1):
            valid = False
    rest = units[index:]
    weighted += _plain_weight(rest)
    return weighted, valid and not _INVALID_CHARS.search(rest)


def _plain_weight(units: str) -> int:
    """_walk's sum for text without URLs or emoji, without a Python loop per character."""
    if units.isascii():
        return len(units) * SCALE
    heavy = len(_LIGHT_UNITS.sub("", units))
    pairs = len(_SURROGATE_PAIR.findall(units))
    return (len(units) - heavy) * SCALE + (heavy - pairs) * DEFAULT_WEIGHT


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
    for start, url_start, domain_start, domain_end, tail in _url_matches(subject):
        before = subject[start:url_start]
        url = subject[url_start : tail.end()]
        protocol = subject[url_start:domain_start]
        domain = subject[domain_start:domain_end]
        path = tail.group(2) or ""
        if not _is_valid_url(url, protocol or DEFAULT_PROTOCOL, units[domain_start:domain_end]):
            continue
        if protocol:
            tco = _VALID_TCO_URL.match(url)
            if tco:
                if tco.group(1) and len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group(0)
            yield url_start, url_start + len(url), url
            continue
        if _INVALID_PRECEDING.search(before):
            continue
        # Each ASCII-only domain inside is an entity of its own; the last one carries the
        # path, even when the domain goes on after it ("abc.comテスト.みんな/x" gives the
        # text "abc.com/x", yet parseTweet skips that many units from "a").
        # Like twitter-text, each is placed where its text is first found from the end of
        # the one before, which is not always where it matched.
        entities = []
        search_from = 0
        for ascii_start, ascii_end in _ascii_domains(domain):
            found = domain[ascii_start:ascii_end]
            ascii_start = domain.find(found, search_from)
            search_from = ascii_start + len(found)
            entities.append((url_start + ascii_start, url_start + search_from, found))
        if not entities:
            continue
        if path:
            last_start, _last_end, last_text = entities[-1]
            entities[-1] = (last_start, tail.end(), url.replace(domain, last_text, 1))
        yield from entities


def _url_matches(subject: str) -> Iterator[tuple[int, int, int, int, re.Match]]:
    """EXTRACT_URL's matches in `subject`, as its finditer would give them, in time linear in
    the text: the start of the match (its preceding character), of the URL, of its domain,
    the domain's end, and the match of what follows it (port, path, query).

    Run from every index, the expression itself is quadratic in the labels of a dotted run
    ("a.a.a…", "U.S.U.S…"): its `validSubdomain*` takes every label it can, then gives them
    back one by one, trying the top-level domain list after each. _DomainEnds answers where
    the domain from each index ends in one pass; the rest of the expression is matched as is.
    """
    domains = _DomainEnds(subject)
    starts = {}  # URL start: (domain start, domain end)
    for protocol in _PROTOCOL.finditer(subject):
        end = domains.end(protocol.end())
        if end is not None:
            starts[protocol.start()] = (protocol.end(), end)
    for index, end in domains.starts():
        starts[index] = (index, end)
    position = 0
    for url_start in sorted(starts):
        if url_start == 0:
            # `^` is the expression's last choice for the preceding character: a URL right
            # after a first character that may precede one is found first.
            if 1 in starts and _preceded(subject, 1):
                continue
            start = 0
        elif _preceded(subject, url_start):
            start = url_start - 1
        else:
            continue
        if start < position:
            continue
        domain_start, domain_end = starts[url_start]
        tail = _URL_TAIL.match(subject, domain_end)
        yield start, url_start, domain_start, domain_end, tail
        position = tail.end()


def _preceded(subject: str, index: int) -> bool:
    """True when the character before `index` may precede a URL."""
    if index == 0:
        return False
    match = _PRECEDING.match(subject, index - 1)
    return match is not None and match.end() == index


class _DomainEnds:
    """Where EXTRACT_URL's domain group ends when it starts at an index: after its longest
    chain of labels ("label.") whose last label may be a domain name (no "_") followed by a
    top-level domain. Found right to left over the runs of label characters: a domain from a
    run ends where the domain from the next run ends, or else right after the top-level
    domain that follows the run's dot."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.runs = [match.span() for match in _DOMAIN_RUN.finditer(subject)]
        self.run_starts = [start for start, _ in self.runs]
        self.dotted = [
            subject[end : end + 1] == "." and subject[end - 1] not in "_-" for _, end in self.runs
        ]
        tlds = _TopLevelDomains(subject)
        # reach[n]: the first index of run n a domain may start at, and where it then ends.
        self.reach: list[tuple[int, int | None]] = [(0, None)] * len(self.runs)
        by_start = {start: number for number, start in enumerate(self.run_starts)}
        for number in reversed(range(len(self.runs))):
            start, end = self.runs[number]
            if not self.dotted[number]:
                self.reach[number] = (start, None)
                continue
            following = by_start.get(end + 1)
            onward = None if following is None else self._end_in(following, end + 1)
            if onward is not None:
                self.reach[number] = (start, onward)
            else:
                # The label from an index is then the domain name: it may not hold "_".
                first = max(start, subject.rfind("_", start, end) + 1)
                self.reach[number] = (first, tlds.end(end + 1))

    def end(self, index: int) -> int | None:
        number = bisect.bisect_right(self.run_starts, index) - 1
        if number < 0 or index >= self.runs[number][1]:
            return None
        return self._end_in(number, index)

    def starts(self) -> Iterator[tuple[int, int]]:
        """Each index a domain starts at, with its end, that is 0 or has a character before
        it that a URL may follow."""
        for (_start, end), (first, domain_end) in zip(self.runs, self.reach, strict=True):
            if domain_end is None:
                continue
            if first == 0 and self.subject[0] not in "_-":
                yield 0, domain_end
            for before in _PRECEDING.finditer(self.subject, max(first - 1, 0), end - 1):
                if before.end() > before.start() and self.subject[before.end()] not in "_-":
                    yield before.end(), domain_end

    def _end_in(self, number: int, index: int) -> int | None:
        first, domain_end = self.reach[number]
        if index < first or self.subject[index] in "_-":
            return None
        return domain_end


class _TopLevelDomains:
    """Where the top-level domain expression matching at an index ends, remembered by what it
    can read: a dotted run of one label ("a.a.a…") asks the same question at every dot."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.ends: dict[int, int | None] = {}
        self.lengths: dict[str, int | None] = {}

    def end(self, index: int) -> int | None:
        if index not in self.ends:
            window = self.subject[index : index + _TLD_WINDOW]
            if len(window) == _TLD_WINDOW and not _NOT_PUNYCODE.search(window):
                self.ends[index] = _match_end(_TLD, self.subject, index)
            else:
                if window not in self.lengths:
                    end = _match_end(_TLD, self.subject, index)
                    self.lengths[window] = None if end is None else end - index
                length = self.lengths[window]
                self.ends[index] = None if length is None else index + length
        return self.ends[index]


def _match_end(pattern: re.Pattern, subject: str, index: int) -> int | None:
    match = pattern.match(subject, index)
    return match.end() if match else None


def _ascii_domains(domain: str) -> Iterator[tuple[int, int]]:
    """Spans of VALID_ASCII_DOMAIN's matches in `domain`, as its finditer gives them, in
    linear time: `(?:label\\.)+` then a top-level domain, with the longest chain of labels."""
    runs = [match.span() for match in _ASCII_LABEL.finditer(domain)]
    tlds = _TopLevelDomains(domain)
    by_start = {start: number for number, (start, _) in enumerate(runs)}
    # after[n]: where `(?:label\\.)*tld` ends from the index after run n's dot.
    after: list[int | None] = [None] * len(runs)
    for number in reversed(range(len(runs))):
        _start, end = runs[number]
        if domain[end : end + 1] != ".":
            continue
        following = by_start.get(end + 1)
        onward = after[following] if following is not None else None
        after[number] = onward if onward is not None else tlds.end(end + 1)
    position = 0
    for number, (start, end) in enumerate(runs):
        start = max(start, position)
        if start < end and after[number] is not None:
            yield start, after[number]
            position = after[number]


def _is_valid_url(url: str, protocol: str, domain: str) -> bool:
    # twitter-text's idna.toAscii gives back the domain itself when every label encodes to
    # 1..63 characters, so the length check sees the URL as written. Checked first: it is
    # cheap, and the domain of a long URL may be long too.
    return len(protocol) + len(url) <= MAX_URL_LENGTH and _domain_encodes(domain)


def _domain_encodes(domain: str) -> bool:
    if domain[:4] == "xn--" and next(_ascii_domains(domain.translate(_CASE_TRAPS)), None) is None:
        return False  # a punycode domain cannot hold non-ASCII characters
    # A label encodes to at least one character per code point: one of more than 126 code
    # units is too long before it is encoded.
    return all(
        len(label) <= 2 * MAX_DOMAIN_LABEL_LENGTH
        and 1 <= _punycode_length(label) <= MAX_DOMAIN_LABEL_LENGTH
        for label in domain.split(".")
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
