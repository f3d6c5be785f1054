"""The Markov engine's build: a text's kept sentences as word ids, and their k-gram index.

Every position of the corpus is sorted by the state_size words that start there (a window),
so each window owns one run of occurrences; three ways of sorting build the same index.
"""

import re
import sys
from array import array
from bisect import bisect_right
from collections import defaultdict
from itertools import compress, count, repeat
from operator import and_, itemgetter, lshift, ne, not_, or_, rshift

from corpora.markov.splitting import sentence_ends, unbalanced_marks

MIN_STATE_SIZE, MAX_STATE_SIZE = 1, 4
# Float records are sorted wherever they can be (state sizes 1 and 2, up to 65,536 words):
# numpy takes 0.1 s and 22 MB just to import, more memory than the whole index of a 3.5 MB
# corpus. Past that, numpy indexes from this many windows on, when it beats sorting ints.
NUMPY_FROM_WINDOWS = 200_000

SEP = 0  # word id that pads each sentence: before it, it is BEGIN; after it, END
_BATCH = 128  # sentences split at once: enough to run in C, few enough to add no memory
# Whether a sentence has state_size words or fewer; possessive, so no word is ever re-split.
_SHORT = {k: re.compile(f"\\s*+(?:\\S++\\s*+){{0,{k}}}") for k in range(1, MAX_STATE_SIZE + 1)}

# _index_by_float_records reads bytes as little-endian ids and doubles.
_FLOAT_RECORDS = sys.byteorder == "little" and array("I").itemsize == 4


def id_bits(word_count):
    # 16 at least, so that a window of two ids is the same bytes _index_by_float_records sorts
    return max(16, (word_count - 1).bit_length())


def word_stream(text: str, state_size: int) -> tuple[list[str], array]:
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
    vocabulary = numbering(marker)
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
    ends = sentence_ends(text, start)
    starts = [start, *ends[:-1]]
    unbalanced = unbalanced_marks(text, start)
    left_out = set(map(bisect_right, repeat(ends), unbalanced))
    short = map(bool, map(_SHORT[state_size].fullmatch, repeat(text), starts, ends))
    dropped = map(or_, short, map(left_out.__contains__, count()))
    return list(compress(map(slice, starts, ends), map(not_, dropped)))


def numbering(sep: str) -> defaultdict:
    """Word -> id, with ``sep`` as SEP: looking up a new word gives it the next id, in C."""
    vocabulary = defaultdict(count(SEP + 1).__next__)
    vocabulary[sep] = SEP
    return vocabulary


def index_windows(corpus: array, state_size: int, word_count: int) -> tuple:
    """The k-gram index of ``corpus`` (word ids, ending in state_size SEPs) as (occ, keys,
    off): window start positions sorted by (window's words, position), the distinct windows
    as ids packed into one int, sorted, and where each one's occurrences start in occ."""
    bits = id_bits(word_count)
    n = len(corpus) - state_size  # windows followed by a word
    if _FLOAT_RECORDS and state_size <= 2 and word_count <= 1 << 16 and n < 1 << 24:
        return _index_by_float_records(corpus, n, state_size, bits)
    if bits * state_size <= 64 and n >= NUMPY_FROM_WINDOWS:
        return _index_with_numpy(corpus, n, state_size, bits)
    return _index_by_sorting_ints(corpus, n, state_size, bits)


def _index_by_sorting_ints(corpus, n, state_size, bits):
    """The k-gram index for any state size and vocabulary, by one sort of Python ints."""
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
    keys = key_array(map(ordered.__getitem__, starts), bits * state_size)
    off = array("I", starts)
    off.append(n)
    return occ, keys, off


def _index_with_numpy(corpus, n, state_size, bits):
    """The k-gram index in a few vectorised passes: each window packed into one 64-bit key,
    positions sorted stably by key, and the start of each run of equal keys."""
    import numpy as np  # on use: 0.1 s and 20 MB to import (see NUMPY_FROM_WINDOWS)

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
    records = _sorted_in_halves(array("d", records))
    occ, ordered = bytearray(4 * n), bytearray(4 * n)
    for b in range(3):
        occ[b::4] = records[b::8]
    for b in range(2 * state_size):
        ordered[b::4] = records[3 + b :: 8]
    del records
    occ, ordered = array("I", occ), array("I", ordered)
    off = array("I", [0])
    off.extend(compress(range(1, n), map(ne, ordered[1:], ordered)))
    keys = key_array(map(ordered.__getitem__, off), bits * state_size)
    off.append(n)
    return occ, keys, off


def _sorted_in_halves(records):
    """The records' bytes, sorted in two halves split at a sampled median, so that only half
    the records are Python floats at a time (the floats are the peak of a build's memory)."""
    sample = sorted(records[:: max(1, len(records) // 255)])
    middle = sample[len(sample) // 2]
    sorted_records = array("d")
    for part in (middle.__gt__, middle.__le__):
        values = list(filter(part, records))
        values.sort()
        sorted_records.extend(values)
        del values
    return sorted_records.tobytes()


def _position_bytes(n, b):
    """Byte b of each of the positions 0 to n - 1 (little-endian), built by repetition."""
    run = 1 << 8 * b
    cycle = b"".join(bytes([v]) * run for v in range(min(256, (n - 1) // run + 1)))
    return (cycle * (n // len(cycle) + 1))[:n]


def key_array(values, bits):
    # Keys wider than 64 bits (large vocabularies at state size 4) stay Python ints.
    if bits > 64:
        return list(values)
    return array("I" if bits <= 32 else "Q", values)
