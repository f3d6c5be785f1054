"""MarkovModel: a corpus compiled into a chain (``build``, ``combine``), the walks that write
its sentences, and the checks that keep them original (see the package docstring)."""

import math
import random
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate, repeat

from corpora.markov import storage
from corpora.markov.index import (
    BLOCK_BITS,
    MAX_STATE_SIZE,
    MIN_STATE_SIZE,
    SEP,
    id_bits,
    index_windows,
    numbering,
    word_stream,
)

DEFAULT_TRIES = 10
# How words are decoded: a str corpus's lone surrogates are kept as they came.
_ERRORS = "surrogatepass"
DEFAULT_MAX_OVERLAP_RATIO = 0.7
DEFAULT_MAX_OVERLAP_TOTAL = 15


class CorpusTooSmall(ValueError):
    """The corpus has no sentence long enough to learn a state from."""


class UnknownWord(ValueError):
    """A seed word that the corpus never uses."""


def _normalise(word: str) -> str:
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] == "P":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] == "P":
        end -= 1
    return word[start:end].casefold()


class MarkovModel:
    """A Markov chain over words, read from an index of its corpus (see the package docstring).

    Attributes: ``state_size``, ``sentence_count`` and ``word_count`` (of the sentences kept:
    markovify's filter drops sentences with quotes or brackets, and sentences shorter than
    state_size + 1 words only ever reproduce themselves).
    """

    def __init__(self, state_size, words, corpus, occ, keys, off, blocks, sources, bits=None):
        self.state_size = state_size
        self._words = words  # id -> word as UTF-8 bytes; id 0 is SEP
        self._corpus = corpus  # [SEP]*k + sentence, for every sentence, then [SEP]*k
        self._occ = occ  # window start positions, sorted by (window's words, position)
        self._keys = keys  # the distinct windows, as ids packed into one int, sorted
        self._off = off  # occurrences of window keys[g] are occ[off[g]:off[g + 1]]
        # keys[blocks[j]:blocks[j + 1]] are the windows whose first word is in block j (ids
        # j << BLOCK_BITS and on): a walk's next window is looked for among those alone.
        self._blocks = blocks
        self._sources = sources  # (start, end, weight) of each combined corpus in _corpus
        self._bits = bits or id_bits(len(words))  # each word id's width in a window key
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
    def build(cls, text: str | bytes, state_size: int = 2) -> "MarkovModel":
        """Compile ``text`` (a str, or UTF-8 bytes such as a file holds: a str of a text with
        one emoji in it takes 4 bytes a character); raises CorpusTooSmall if no sentence has
        state_size + 1 words, UnicodeDecodeError for bytes that are not UTF-8."""
        _check_state_size(state_size)
        words, corpus = word_stream(text, state_size)
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
        vocabulary = numbering(b"")
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
        occ, keys, off, blocks = index_windows(corpus, state_size, len(words))
        return cls(state_size, words, corpus, occ, keys, off, blocks, sources)

    def sentence(
        self,
        seed: str | None = None,
        max_length: int = 280,
        tries: int = DEFAULT_TRIES,
        rng: random.Random | None = None,
        min_words: int = 1,
        length: Callable[[str], int] = len,
        max_overlap_ratio: float = DEFAULT_MAX_OVERLAP_RATIO,
        max_overlap_total: int = DEFAULT_MAX_OVERLAP_TOTAL,
    ) -> str | None:
        """A new sentence, or None if ``tries`` attempts all broke a constraint.

        With ``seed`` the sentence contains that word (ignoring case and surrounding
        punctuation), grown backwards to a sentence start and forwards to an end; a word the
        corpus lacks raises UnknownWord. ``length`` measures the text against ``max_length``
        (a network's own count, such as X's weighted length; by default characters) and must
        count each word at least 1, since walks stop past ``max_length`` words. Like
        markovify, a sentence is rejected when it repeats min(max_overlap_total,
        round(max_overlap_ratio * words)) + 1 consecutive words of the corpus.
        """
        rng = rng or _rng
        table = self._seed_table(seed) if seed is not None else None
        for _ in range(tries):
            out, windows = self._draft(table, max_length, rng.random)
            if out is None or len(out) < min_words:
                continue
            text = b" ".join(map(self._words.__getitem__, out)).decode("utf-8", _ERRORS)
            if length(text) <= max_length and self._is_original(
                out, windows, max_overlap_ratio, max_overlap_total
            ):
                return text
        return None

    def _draft(self, table, limit, random):
        """Word ids of one walk, with its full windows' occurrences (see _forward); (None,
        None) if too long."""
        k = self.state_size
        if table is None:
            out, windows = [], ([], [])
            return (
                (out, windows) if self._forward(0, 0, out, windows, limit, random) else (None, None)
            )
        corpus, keys, off, blocks = self._corpus, self._keys, self._off, self._blocks
        bits, shift = self._bits, self._bits * (k - 1)
        ranges, cumulative = table
        a, b = ranges[bisect_right(cumulative, random() * cumulative[-1])]
        p = self._occ[a + int(random() * (b - a))]  # an occurrence of the seed
        key = _pack(corpus[p - k + 1 : p + 1], bits)  # the window that ends with it
        top = corpus[p - k + 1] >> BLOCK_BITS
        group = anchor = bisect_left(keys, key, blocks[top], blocks[top + 1])
        lo, hi = off[group], off[group + 1]
        back, los, sizes = [], [lo], [hi - lo]
        if corpus[p - k + 1] != SEP:
            back_key = key
            while True:
                word = corpus[self._pick(lo, hi, random) - 1]
                if word == SEP:
                    break
                back.append(word)
                if len(back) > limit:
                    return None, None
                back_key = (word << shift) | (back_key >> bits)
                top = word >> BLOCK_BITS
                group = bisect_left(keys, back_key, blocks[top], blocks[top + 1])
                lo, hi = off[group], off[group + 1]
                los.append(lo)
                sizes.append(hi - lo)
        back.reverse()
        los.reverse()
        sizes.reverse()
        out = back + [w for w in corpus[p - k + 1 : p + 1] if w != SEP]
        windows = (los, sizes) if len(out) >= k else ([], [])
        if not self._forward(key, anchor, out, windows, limit, random):
            return None, None
        return out, windows

    def _forward(self, key, group, out, windows, limit, random):
        """Walk on from the window ``key`` (group ``group``) to SEP: True, or False once
        ``out`` would pass ``limit`` words. Each full window reached is noted in ``windows``
        as where its occurrences start in occ and how many they are."""
        k, bits, mask = self.state_size, self._bits, self._mask
        corpus, occ, keys, off = self._corpus, self._occ, self._keys, self._off
        blocks, shift = self._blocks, bits * (k - 1) + BLOCK_BITS
        append, (los, sizes) = out.append, windows
        note_lo, note_size = los.append, sizes.append
        # The windows still holding a SEP (a sentence's first words) are noted too and dropped
        # at the end: one test fewer a word.
        partial, noted = max(0, k - 1 - len(out)), len(los)
        lo = off[group]
        size = off[group + 1] - lo
        pick = self._pick if self._starts is not None else None
        # The inner loop of every sentence, kept to a few operations a word. A walk that has
        # not ended after ``limit`` words takes one word more and stops: too long.
        for _ in repeat(None, max(1, limit - len(out) + 1)):
            if pick is None:
                word = corpus[occ[lo + int(random() * size)] + k]
            else:
                word = corpus[pick(lo, lo + size, random) + k]
            if word == SEP:
                break
            append(word)
            key = ((key << bits) & mask) | word
            top = key >> shift
            group = bisect_left(keys, key, blocks[top], blocks[top + 1])
            lo = off[group]
            size = off[group + 1] - lo
            note_lo(lo)
            note_size(size)
        else:
            return False
        del los[noted : noted + partial], sizes[noted : noted + partial]
        return True

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

        Every run of ``run`` words holds run - k + 1 consecutive windows, so a whole block of
        half as many (blocks taken in order): the rarest window of each block anchors all the
        runs that hold it. Each of its occurrences is compared with the sentence word by word
        outwards, never the whole text: a verbatim stretch as long as a run is a run.
        """
        k, count = self.state_size, len(out)
        run = min(min(total, round(ratio * count)) + 1, count)
        if run <= k + 1:
            return False  # every run this short is a window of the chain, so in the corpus
        occ, corpus = self._occ, self._corpus
        los, sizes = windows
        block = (run - k + 2) // 2
        for first in range(0, len(sizes) - block + 1, block):
            anchor = sizes.index(min(sizes[first : first + block]), first)
            for j in range(los[anchor], los[anchor] + sizes[anchor]):
                at = occ[j]  # out[anchor : anchor + k] is corpus[at : at + k]
                left = 0
                while (
                    left < anchor and left < at and corpus[at - left - 1] == out[anchor - left - 1]
                ):
                    left += 1
                end, right = anchor + k, 0
                while end + right < count and corpus[at + k + right] == out[end + right]:
                    right += 1
                if left + k + right >= run:
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
                self._by_norm.setdefault(_normalise(word.decode("utf-8", _ERRORS)), []).append(i)
        keys, off, blocks = self._keys, self._off, self._blocks
        shift = self._bits * (self.state_size - 1)
        ranges, weights = [], []
        for word in self._by_norm.get(norm, ()) if norm else ():
            lo, hi = blocks[word >> BLOCK_BITS], blocks[(word >> BLOCK_BITS) + 1]
            first = bisect_left(keys, word << shift, lo, hi)
            last = bisect_left(keys, (word + 1) << shift, first, hi)
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
        """The model in a compact binary form (see corpora.markov.storage)."""
        return storage.dump(
            self.state_size,
            self._words,
            self._corpus,
            self._occ,
            self._keys,
            self._off,
            self._blocks,
            self._sources,
            self._bits,
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "MarkovModel":
        """A model from ``to_bytes()`` output; raises ValueError for anything else."""
        return cls(*storage.load(data))


_rng = random.Random()


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
