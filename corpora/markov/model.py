"""A light Markov text engine: new sentences in the voice of a corpus, with no Django.

``MarkovModel.build(text)`` compiles a corpus, ``model.sentence(rng=...)`` writes a sentence,
``to_bytes()``/``from_bytes()`` store the model; ``python -m corpora.markov --help`` runs it.

The model is the corpus itself as an array of word ids plus a k-gram index: every position of
the corpus, sorted by the state_size words that start there, so each state owns one run of
occurrences. Choosing a uniform occurrence of the current state and reading the word after it
(or before it, to grow a sentence backwards from a seed) samples exactly the chain markovify
counts, and the same index finds verbatim copies of the corpus without scanning its text.
"""

import math
import random
import re
import struct
import sys
import unicodedata
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain, compress, count, pairwise, repeat
from operator import and_, itemgetter, lshift, ne, not_, or_, rshift, sub

DEFAULT_TRIES = 10
# A person at the command line would rather wait a moment than get fewer sentences.
CLI_TRIES = 100
DEFAULT_MAX_OVERLAP_RATIO = 0.7
DEFAULT_MAX_OVERLAP_TOTAL = 15
MIN_STATE_SIZE, MAX_STATE_SIZE = 1, 4
# From this many windows on, numpy (0.1 s and 20 MB to import) builds faster than sorting
# float records: measured in fresh processes, the float sort wins at 150,000 windows (0.11 s
# against 0.12-0.18 s) and loses at 240,000 (0.19 s against 0.16 s).
NUMPY_FROM_WINDOWS = 200_000

SEP = 0  # word id that pads each sentence: before it, it is BEGIN; after it, END
_BATCH = 128  # sentences split at once: enough to run in C, few enough to add no memory
MAGIC = b"AVMK"
VERSION = 2  # 1 had no id width: it was always the vocabulary's bit length
_HEADER = struct.Struct("<4sBB")
_COUNTS = struct.Struct("<IIIIIB")
_SOURCE = struct.Struct("<IId")

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

# Whether a sentence has state_size words or fewer; possessive, so no word is ever re-split.
_SHORT = {k: re.compile(f"\\s*+(?:\\S++\\s*+){{0,{k}}}") for k in range(1, MAX_STATE_SIZE + 1)}


class CorpusTooSmall(ValueError):
    """The corpus has no sentence long enough to learn a state from."""


class UnknownWord(ValueError):
    """A seed word that the corpus never uses."""


def split_sentences(text: str) -> Iterator[list[str]]:
    """The text's sentences, each a list of its whitespace-delimited words kept verbatim.

    A sentence ends at a blank line or at a word ending in . ! or ? (closing quotes and
    brackets may follow) unless the next word starts in lower case or with a dash, or the word
    is an abbreviation (Mr. Dr. St. etc. e.g. U.S. J. and the like; No. and p. before a number).
    """
    bounds = [0, *_sentence_ends(text, 0)]
    for start, end in pairwise(bounds):
        if words := text[start:end].split():
            yield words


def _sentence_ends(text: str, start: int) -> list[int]:
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


def _normalise(word: str) -> str:
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] == "P":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] == "P":
        end -= 1
    return word[start:end].casefold()


def _weighted_length(text: str) -> int:
    # Imported on use: the engine must run where the project (and tweets.text) is absent.
    from tweets.text import weighted_length

    return weighted_length(text)


class MarkovModel:
    """A Markov chain over words, read from an index of its corpus (see the module docstring).

    Attributes: ``state_size``, ``sentence_count`` and ``word_count`` (of the sentences kept:
    markovify's filter drops sentences with quotes or brackets, and sentences shorter than
    state_size + 1 words only ever reproduce themselves).
    """

    def __init__(self, state_size, words, corpus, occ, keys, off, sources, bits=None):
        self.state_size = state_size
        self._words = words  # id -> word; id 0 is SEP
        self._corpus = corpus  # [SEP]*k + sentence, for every sentence, then [SEP]*k
        self._occ = occ  # window start positions, sorted by (window's words, position)
        self._keys = keys  # the distinct windows, as ids packed into one int, sorted
        self._off = off  # occurrences of window keys[g] are occ[off[g]:off[g + 1]]
        self._sources = sources  # (start, end, weight) of each combined corpus in _corpus
        self._bits = bits or _id_bits(len(words))  # each word id's width in a window key
        self._mask = (1 << (self._bits * state_size)) - 1
        self._starts = [start for start, _, _ in sources[1:]] if len(sources) > 1 else None
        self._weights = [weight for _, _, weight in sources]
        self._by_norm = None
        self._seed_tables = {}

    @property
    def sentence_count(self) -> int:
        return self._off[1]  # occurrences of the all-SEP window, which starts every sentence

    @property
    def word_count(self) -> int:
        return len(self._corpus) - self.state_size * (self.sentence_count + 1)

    @classmethod
    def build(cls, text: str, state_size: int = 2) -> "MarkovModel":
        """Compile ``text``; raises CorpusTooSmall if no sentence has state_size + 1 words."""
        _check_state_size(state_size)
        words, corpus = _word_stream(text, state_size)
        if not corpus:
            raise CorpusTooSmall(
                f"The corpus is too small: no sentence has at least {state_size + 1} words "
                "(sentences with quotes or brackets are left out)."
            )
        corpus.extend([SEP] * state_size)
        return cls._indexed(state_size, words, corpus, [(0, len(corpus) - state_size, 1.0)])

    @classmethod
    def combine(cls, weighted_models: Iterable[tuple["MarkovModel", float]]) -> "MarkovModel":
        """One model speaking from several, like markovify.combine: each transition's count is
        the sum of the models' counts times their weights (>= 0, at least one positive). The
        models must share a state size; sentences are checked for originality against all."""
        pairs = list(weighted_models)
        if not pairs:
            raise ValueError("combine needs at least one (model, weight) pair.")
        state_size = pairs[0][0].state_size
        if any(model.state_size != state_size for model, _ in pairs):
            raise ValueError("Models combined must share a state size.")
        weights = [float(weight) for _, weight in pairs]
        if not all(math.isfinite(w) and w >= 0 for w in weights) or not any(weights):
            raise ValueError("Weights must be finite, non-negative and not all zero.")
        vocabulary = _numbering("")
        corpus = array("I")
        sources = []
        for (model, _), weight in zip(pairs, weights, strict=True):
            new_id = list(map(vocabulary.__getitem__, model._words))
            for start, end, inner in model._sources:
                base = len(corpus)
                corpus.extend(map(new_id.__getitem__, model._corpus[start:end]))
                sources.append((base, len(corpus), inner * weight))
        corpus.extend([SEP] * state_size)
        return cls._indexed(state_size, list(vocabulary), corpus, sources)

    @classmethod
    def _indexed(cls, state_size, words, corpus, sources):
        bits = _id_bits(len(words))
        n = len(corpus) - state_size  # windows followed by a word
        if bits * state_size <= 64 and n >= NUMPY_FROM_WINDOWS:
            occ, keys, off = _index_with_numpy(corpus, n, state_size, bits)
            return cls(state_size, words, corpus, occ, keys, off, sources)
        if _FLOAT_RECORDS and state_size <= 2 and len(words) <= 1 << 16 and n < 1 << 24:
            occ, keys, off = _index_by_float_records(corpus, n, state_size, bits)
            return cls(state_size, words, corpus, occ, keys, off, sources)
        window = corpus[:n].tolist()
        for i in range(1, state_size):
            window = map(or_, map(lshift, window, repeat(bits)), corpus[i : i + n])
        # Each window's key with its position in the low bits: one sort of plain ints orders
        # the positions by (window, position) without a key function.
        pos_bits = max(1, n.bit_length())
        packed = sorted(map(or_, map(lshift, window, repeat(pos_bits)), range(n)))
        del window
        occ = array("I", map(and_, packed, repeat((1 << pos_bits) - 1)))
        ordered = list(map(rshift, packed, repeat(pos_bits)))
        del packed
        starts = [0, *compress(range(1, n), map(ne, ordered[1:], ordered))]
        keys = _key_array(map(ordered.__getitem__, starts), bits * state_size)
        off = array("I", starts)
        off.append(n)
        return cls(state_size, words, corpus, occ, keys, off, sources)

    def sentence(
        self,
        seed: str | None = None,
        max_length: int = 280,
        tries: int = DEFAULT_TRIES,
        rng: random.Random | None = None,
        min_words: int = 1,
        length: Callable[[str], int] | None = None,
        max_overlap_ratio: float = DEFAULT_MAX_OVERLAP_RATIO,
        max_overlap_total: int = DEFAULT_MAX_OVERLAP_TOTAL,
    ) -> str | None:
        """A new sentence, or None if ``tries`` attempts all broke a constraint.

        With ``seed`` the sentence contains that word (ignoring case and surrounding
        punctuation), grown backwards to a sentence start and forwards to an end; a word the
        corpus lacks raises UnknownWord. ``length`` measures the text against ``max_length``
        (default: X's weighted length) and must count each word at least 1, since walks stop
        past ``max_length`` words. Like markovify, a sentence is rejected when it repeats
        min(max_overlap_total, round(max_overlap_ratio * words)) + 1 consecutive words of the
        corpus.
        """
        rng = rng or _rng
        length = length or _weighted_length
        table = self._seed_table(seed) if seed is not None else None
        for _ in range(tries):
            out, windows = self._draft(table, max_length, rng.random)
            if out is None or len(out) < min_words:
                continue
            text = " ".join(map(self._words.__getitem__, out))
            if length(text) <= max_length and self._is_original(
                out, windows, max_overlap_ratio, max_overlap_total
            ):
                return text
        return None

    def _draft(self, table, limit, random):
        """Word ids of one walk, with the group of each full window; (None, None) if too long."""
        k = self.state_size
        if table is None:
            out, windows = [], []
            return (
                (out, windows) if self._forward(0, 0, out, windows, limit, random) else (None, None)
            )
        corpus, keys, bits = self._corpus, self._keys, self._bits
        ranges, cumulative = table
        a, b = ranges[bisect_right(cumulative, random() * cumulative[-1])]
        p = self._occ[a + int(random() * (b - a))]  # an occurrence of the seed
        key = _pack(corpus[p - k + 1 : p + 1], bits)  # the window that ends with it
        group = anchor = bisect_left(keys, key)
        back, windows = [], [group]
        if corpus[p - k + 1] != SEP:
            shift = bits * (k - 1)
            back_key = key
            while True:
                lo, hi = self._off[group], self._off[group + 1]
                word = corpus[self._pick(lo, hi, random) - 1]
                if word == SEP:
                    break
                back.append(word)
                if len(back) > limit:
                    return None, None
                back_key = (word << shift) | (back_key >> bits)
                group = bisect_left(keys, back_key)
                windows.append(group)
        back.reverse()
        windows.reverse()
        out = back + [w for w in corpus[p - k + 1 : p + 1] if w != SEP]
        if len(out) < k:
            windows = []
        if not self._forward(key, anchor, out, windows, limit, random):
            return None, None
        return out, windows

    def _forward(self, key, group, out, windows, limit, random):
        k, bits, mask = self.state_size, self._bits, self._mask
        corpus, occ, keys, off = self._corpus, self._occ, self._keys, self._off
        single = self._starts is None
        while True:
            lo = off[group]
            if single:
                p = occ[lo + int(random() * (off[group + 1] - lo))]
            else:
                p = self._pick(lo, off[group + 1], random)
            word = corpus[p + k]
            if word == SEP:
                return True
            out.append(word)
            if len(out) > limit:
                return False
            key = ((key << bits) & mask) | word
            group = bisect_left(keys, key)
            if len(out) >= k:
                windows.append(group)

    def _pick(self, lo, hi, random):
        """A position from occ[lo:hi] (one window's occurrences), weighted by source."""
        if self._starts is None:
            return self._occ[lo + int(random() * (hi - lo))]
        parts = self._split(lo, hi)
        cumulative = list(accumulate((b - a) * w for a, b, w in parts))
        i = min(bisect_right(cumulative, random() * cumulative[-1]), len(parts) - 1)
        a, b, _ = parts[i]
        return self._occ[a + int(random() * (b - a))]

    def _split(self, lo, hi):
        """occ[lo:hi], sorted by position, cut into (start, end, weight) by source."""
        if self._starts is None:
            return [(lo, hi, self._weights[0])]
        cuts = [lo, *(bisect_left(self._occ, s, lo, hi) for s in self._starts), hi]
        return list(zip(cuts, cuts[1:], self._weights, strict=False))

    def _is_original(self, out, windows, ratio, total):
        """False if some run of the sentence's words appears verbatim in the corpus.

        Each run is looked up through its rarest window: only that window's occurrences are
        compared with the corpus, never the whole text.
        """
        k, count = self.state_size, len(out)
        run = min(min(total, round(ratio * count)) + 1, count)
        if run <= k + 1:
            return False  # every run this short is a window of the chain, so in the corpus
        off, occ, corpus = self._off, self._occ, self._corpus
        sizes = [off[g + 1] - off[g] for g in windows]
        words = array("I", out)
        for i in range(count - run + 1):
            anchor = min(range(i, i + run - k + 1), key=sizes.__getitem__)
            target = words[i : i + run]
            shift = anchor - i
            g = windows[anchor]
            for j in range(off[g], off[g + 1]):
                start = occ[j] - shift
                if start >= 0 and corpus[start : start + run] == target:
                    return False
        return True

    def _seed_table(self, seed):
        """Occurrence ranges in occ of the seed's spellings, with cumulative weights."""
        norm = _normalise(seed.strip())
        if norm in self._seed_tables:
            return self._seed_tables[norm]
        if self._by_norm is None:
            self._by_norm = {}
            for i, word in enumerate(self._words[1:], 1):
                self._by_norm.setdefault(_normalise(word), []).append(i)
        keys, off, shift = self._keys, self._off, self._bits * (self.state_size - 1)
        ranges, weights = [], []
        for word in self._by_norm.get(norm, ()) if norm else ():
            first = bisect_left(keys, word << shift)
            last = bisect_left(keys, (word + 1) << shift)
            # One source: the seed's windows form one run of occ; else split each by source.
            groups = [first] if self._starts is None else range(first, last)
            for g in groups:
                hi = off[last] if self._starts is None else off[g + 1]
                for a, b, w in self._split(off[g], hi):
                    if b > a and w > 0:
                        ranges.append((a, b))
                        weights.append((b - a) * w)
        if not ranges:
            raise UnknownWord(f"“{seed}” does not occur in the corpus as a word.")
        if len(self._seed_tables) >= 64:
            self._seed_tables.clear()
        self._seed_tables[norm] = table = (ranges, list(accumulate(weights)))
        return table

    def to_bytes(self) -> bytes:
        """The model in a compact binary form (see ``from_bytes``)."""
        vocabulary = "\n".join(self._words[1:]).encode()
        deltas = self._keys[:1]  # an array, or a list for keys wider than 64 bits
        deltas.extend(map(sub, self._keys[1:], self._keys))
        sizes = array("I", map(sub, self._off[1:], self._off))
        counts = _COUNTS.pack(
            len(self._words),
            len(self._corpus),
            len(self._keys),
            len(self._sources),
            len(vocabulary),
            self._bits,
        )
        # Compressed a part at a time, each array made into planes only when its turn comes,
        # so that the uncompressed model is never in memory whole.
        parts = chain(
            (counts, vocabulary),
            (_SOURCE.pack(*source) for source in self._sources),
            chain.from_iterable(map(_planes, (self._corpus, self._occ, deltas, sizes))),
        )
        packer = zlib.compressobj(6)
        out = [_HEADER.pack(MAGIC, VERSION, self.state_size), *map(packer.compress, parts)]
        out.append(packer.flush())
        return b"".join(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> "MarkovModel":
        """A model from ``to_bytes()`` output: "AVMK", a version byte and the state size, then
        zlib of: counts (with the bits of a word id in a key; version 1 has 0 there and
        derives them), the words joined by newlines, the sources, and the arrays (corpus,
        occ, key deltas, group sizes) each as a width byte and that many byte planes.
        Raises ValueError for anything else."""
        data = bytes(data)
        if len(data) < _HEADER.size or data[:4] != MAGIC:
            raise ValueError("Not an Aviary Markov model (bad magic bytes).")
        _, version, state_size = _HEADER.unpack_from(data)
        if version not in (1, VERSION) or not MIN_STATE_SIZE <= state_size <= MAX_STATE_SIZE:
            raise ValueError(f"Unsupported Markov model (version {version}).")
        try:
            return cls._decode(state_size, zlib.decompress(data[_HEADER.size :]))
        except (zlib.error, struct.error, UnicodeDecodeError, IndexError, OverflowError) as e:
            raise ValueError(f"Corrupt Markov model: {e}") from None

    @classmethod
    def _decode(cls, state_size, payload):
        n_words, n_corpus, n_keys, n_sources, n_vocab, bits = _COUNTS.unpack_from(payload)
        bits = bits or max(1, (n_words - 1).bit_length())  # version 1
        pos = _COUNTS.size
        words = ["", *payload[pos : pos + n_vocab].decode().split("\n")]
        pos += n_vocab
        sources = []
        for _ in range(n_sources):
            sources.append(_SOURCE.unpack_from(payload, pos))
            pos += _SOURCE.size
        corpus, pos = _unplanes(payload, pos, n_corpus)
        occ, pos = _unplanes(payload, pos, n_corpus - state_size)
        deltas, pos = _unplanes(payload, pos, n_keys)
        sizes, pos = _unplanes(payload, pos, n_keys)
        off = array("I", [0])
        off.extend(accumulate(sizes))
        keys = _key_array(accumulate(deltas), bits * state_size)
        if (
            pos != len(payload)
            or len(words) != n_words
            or off[-1] != len(occ)
            or not sources
            or max(corpus) >= n_words
            or max(occ) >= len(occ)
            or bits < (n_words - 1).bit_length()
        ):
            raise ValueError("Corrupt Markov model: inconsistent sizes.")
        return cls(state_size, words, corpus, occ, keys, off, sources, bits)


_rng = random.Random()
# _index_by_float_records reads bytes as little-endian ids and doubles.
_FLOAT_RECORDS = sys.byteorder == "little" and array("I").itemsize == 4


def _id_bits(word_count):
    # 16 at least, so that a window of two ids is the same bytes _index_by_float_records sorts
    return max(16, (word_count - 1).bit_length())


def _check_state_size(state_size):
    if not isinstance(state_size, int) or not MIN_STATE_SIZE <= state_size <= MAX_STATE_SIZE:
        raise ValueError(
            f"state_size must be an integer from {MIN_STATE_SIZE} to {MAX_STATE_SIZE}."
        )


def _pack(ids, bits):
    key = 0
    for word in ids:
        key = (key << bits) | word
    return key


def _word_stream(text: str, state_size: int) -> tuple[list[str], array]:
    """The words (id 0 is SEP, then in order of first use) and the corpus as word ids: each
    sentence kept, after state_size SEPs.

    Sentences go to str.split() in batches, joined by a marker that the text lacks, so that
    splitting and numbering words run in C rather than once per word in Python. (Numbering
    words by frequency would shrink the stored model by 4%, for 7 ms and 1.2 MB on a 0.6 MB
    corpus: not worth it.)
    """
    kept = _kept_sentences(text, state_size)
    marker = next(c for c in map(chr, count()) if c not in text and not c.isspace())
    separator = f" {marker} " * state_size
    vocabulary = _numbering(marker)
    stream = array("I")
    for first in range(0, len(kept), _BATCH):
        sentences = map(text.__getitem__, kept[first : first + _BATCH])
        # itemgetter looks many keys up in one call (a batch has at least 3 words)
        stream.extend(itemgetter(*(separator + separator.join(sentences)).split())(vocabulary))
    words = list(vocabulary)
    words[SEP] = ""
    return words, stream


def _kept_sentences(text: str, state_size: int) -> list[slice]:
    """Where the text's sentences are, but for those of state_size words or fewer and those
    with quotes or brackets that a chain would leave unbalanced."""
    start = 0
    while text.startswith("\ufeff", start):  # byte order marks, skipped without a copy
        start += 1
    ends = _sentence_ends(text, start)
    starts = [start, *ends[:-1]]
    unbalanced = _unbalanced_marks(text, start)
    left_out = set(map(bisect_right, repeat(ends), unbalanced))
    short = map(bool, map(_SHORT[state_size].fullmatch, repeat(text), starts, ends))
    dropped = map(or_, short, map(left_out.__contains__, count()))
    return list(compress(map(slice, starts, ends), map(not_, dropped)))


def _unbalanced_marks(text: str, start: int = 0) -> list[int]:
    """Where ``text`` (from ``start`` on) has a quote or bracket that a chain would leave
    unbalanced: one pass per mark that the text holds at all."""
    marks = []
    for mark, pattern in _UNBALANCED:
        if text.find(mark, start) >= 0:
            marks += [match.start() for match in pattern.finditer(text, start)]
    if start and text.startswith(_QUOTES, start):  # the first word, after byte order marks
        marks.append(start)
    return marks


def _numbering(sep: str) -> defaultdict:
    """Word -> id, with ``sep`` as SEP: looking up a new word gives it the next id, in C."""
    vocabulary = defaultdict(count(SEP + 1).__next__)
    vocabulary[sep] = SEP
    return vocabulary


def _index_with_numpy(corpus, n, state_size, bits):
    """The k-gram index in a few vectorised passes: each window packed into one 64-bit key,
    positions sorted stably by key, and the start of each run of equal keys."""
    import numpy as np

    ids = np.frombuffer(corpus, dtype=np.uint32)
    window = ids[:n].astype(np.uint64)
    for i in range(1, state_size):
        window <<= np.uint64(bits)
        window |= ids[i : i + n]
    occ = np.argsort(window, kind="stable").astype(np.uint32)
    ordered = window[occ]
    del window
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    narrow = bits * state_size <= 32
    keys = array("I" if narrow else "Q", ordered[starts].astype("u4" if narrow else "u8").tobytes())
    off = array("I", starts.astype(np.uint32).tobytes())
    off.append(n)
    return array("I", occ.tobytes()), keys, off


def _index_by_float_records(corpus, n, state_size, bits):
    """The k-gram index without numpy, for state sizes 1 and 2 and up to 65,536 words.

    Each window becomes one 8-byte record, assembled by byte slicing: position in bytes 0-2,
    the window's word ids (16 bits each, last word lowest) above, and 0x40 in byte 7. Read as
    a double, such a record is a positive normal number whose order is the record's integer
    order, and Python sorts floats by a fast path: so one sort of plain floats orders the
    positions by (window, position), with no Python code per window.
    """
    raw = corpus.tobytes()  # 4 little-endian bytes per id
    records = bytearray(8 * n)
    for b in range(3):
        records[b::8] = _position_bytes(n, b)
    for j in range(state_size):
        at = 3 + 2 * (state_size - 1 - j)
        records[at::8] = raw[4 * j : 4 * (j + n) : 4]
        records[at + 1 :: 8] = raw[4 * j + 1 : 4 * (j + n) : 4]
    records[7::8] = b"\x40" * n
    del raw
    # Sorted in two halves, split at a sampled median, so that only half the records are
    # Python floats at a time (the floats are the peak of a build's memory).
    records = array("d", records)
    sample = sorted(records[:: max(1, n // 255)])
    middle = sample[len(sample) // 2]
    sorted_records = array("d")
    for part in (middle.__gt__, middle.__le__):
        values = list(filter(part, records))
        values.sort()
        sorted_records.extend(values)
        del values
    del records
    records = sorted_records.tobytes()
    del sorted_records
    occ, ordered = bytearray(4 * n), bytearray(4 * n)
    for b in range(3):
        occ[b::4] = records[b::8]
    for b in range(2 * state_size):
        ordered[b::4] = records[3 + b :: 8]
    del records
    occ, ordered = array("I", occ), array("I", ordered)
    off = array("I", [0])
    off.extend(compress(range(1, n), map(ne, ordered[1:], ordered)))
    keys = _key_array(map(ordered.__getitem__, off), bits * state_size)
    off.append(n)
    return occ, keys, off


def _position_bytes(n, b):
    """Byte b of each of the positions 0 to n - 1 (little-endian), built by repetition."""
    run = 1 << 8 * b
    cycle = b"".join(bytes([v]) * run for v in range(min(256, (n - 1) // run + 1)))
    return (cycle * (n // len(cycle) + 1))[:n]


def _key_array(values, bits):
    # Keys wider than 64 bits (large vocabularies at state size 4) stay Python ints.
    if bits > 64:
        return list(values)
    return array("I" if bits <= 32 else "Q", values)


def _planes(values) -> Iterator[bytes]:
    """A width byte, then byte planes: all low bytes, then the next, and so on (one plane
    at a time, so that a large array is never copied whole)."""
    top = max(values, default=0)
    width = max(1, (top.bit_length() + 7) // 8)
    yield bytes([width])
    if width <= 8:
        typecode = "I" if width <= 4 else "Q"
        items = values if getattr(values, "typecode", "") == typecode else array(typecode, values)
        if sys.byteorder == "big":
            items = array(typecode, items)
            items.byteswap()
        raw, size = memoryview(items).cast("B"), items.itemsize
    else:
        raw, size = b"".join(v.to_bytes(width, "little") for v in values), width
    for i in range(width):
        yield bytes(raw[i::size])


def _unplanes(payload, pos, count):
    width = payload[pos]
    pos += 1
    end = pos + width * count
    if not 1 <= width <= 32 or end > len(payload):
        raise ValueError("Corrupt Markov model: truncated array.")
    size = 4 if width <= 4 else 8 if width <= 8 else width
    raw = bytearray(size * count)
    for i in range(width):
        raw[i::size] = payload[pos + i * count : pos + (i + 1) * count]
    if size > 8:
        return [int.from_bytes(raw[i : i + size], "little") for i in range(0, len(raw), size)], end
    items = array("I" if size == 4 else "Q")
    items.frombytes(raw)
    if sys.byteorder == "big":
        items.byteswap()
    return items, end


def main(argv=None) -> int:
    import argparse  # on use: the engine alone, in a worker, needs none of it

    parser = argparse.ArgumentParser(
        prog="python -m corpora.markov",
        description="Print sentences generated from a UTF-8 text corpus, one per line.",
        epilog="Exit status: 0 when all --count sentences were printed; 1 on an error (a "
        "missing, unreadable or non-UTF-8 corpus, one too small, an unknown seed) or when fewer "
        "sentences could be made (those made are printed, and stderr says how many).",
    )
    parser.add_argument("--corpus", required=True, metavar="FILE")
    parser.add_argument("--state-size", type=int, default=2, choices=range(1, 5))
    parser.add_argument("--count", type=_positive, default=1, metavar="N")
    parser.add_argument("--seed", metavar="WORD", help="a word every sentence contains")
    parser.add_argument("--max-length", type=_positive, default=280, metavar="N")
    parser.add_argument(
        "--tries", type=_positive, default=CLI_TRIES, metavar="N", help="walks per sentence"
    )
    args = parser.parse_args(argv)
    try:
        with open(args.corpus, encoding="utf-8") as handle:
            text = handle.read()
        model = MarkovModel.build(text, state_size=args.state_size)
        made = 0
        for _ in range(args.count):
            sentence = model.sentence(seed=args.seed, max_length=args.max_length, tries=args.tries)
            if sentence is not None:
                print(sentence)
                made += 1
    except UnicodeDecodeError as error:
        return _fail(f"{args.corpus} is not UTF-8 text (bad byte at offset {error.start}).")
    except OSError as error:
        return _fail(f"cannot read {args.corpus}: {error.strerror or error}.")
    except ValueError as error:  # CorpusTooSmall, UnknownWord
        return _fail(str(error))
    if made < args.count:
        return _fail(f"only {made} of {args.count} sentences could be made within the limits.")
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        import argparse

        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _fail(message: str) -> int:
    print(f"corpora.markov: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
