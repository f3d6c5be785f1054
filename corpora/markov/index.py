"""The Markov engine's build: a text's kept sentences as word ids, and their k-gram index.

Every position of the corpus is sorted by the state_size words that start there (a window),
so each window owns one run of occurrences; two ways of sorting build the same index.
"""

import re
import struct
import sys
from array import array
from bisect import bisect_left
from collections import defaultdict
from itertools import compress, count, repeat
from operator import and_, itemgetter, lshift, ne, or_, rshift

from corpora.markov.splitting import _BOM, sentence_ends, unmarked, utf8_text

MIN_STATE_SIZE, MAX_STATE_SIZE = 1, 4
# From this many windows on (some 4 MB of text), numpy sorts them (see _index_by_numpy): 36 ms,
# not 670, for the million windows of 10 MB. Its import takes 0.15 s and 18-23 MB, which the
# 100-200 ms it saves on a smaller corpus would not repay.
_NUMPY_WINDOWS = 1 << 19
# The windows whose first word id is in block j (ids j << BLOCK_BITS and on) are keys
# blocks[j] to blocks[j + 1], so that a walk bisects only those for its next window: sentences
# a tenth faster. Blocks of 16 ids take one bisection each to find (0.7 ms for 0.6 MB of text,
# where a start for every word took 3 ms) and leave the walk a compare or two more. Part of the
# stored form: another value needs a new storage version.
BLOCK_BITS = 4
# A float record (see _index_by_float_records): a window's position in its 3 low bytes and its
# key in the 37 bits above. State size 1 takes any vocabulary, state size 2 up to 262,144
# words, in up to 16 million windows (some 150 MB of text), with no numpy; longer keys are
# sorted as Python ints.
_POSITION_BYTES, _KEY_BITS = 3, 37
# Bit 62 set in every record (in byte 7) makes it a positive, normal, finite double.
_WITH_TOP = bytes(b | 0x40 for b in range(256))
_WITHOUT_TOP = bytes(b & ~0x40 for b in range(256))
_CHUNK = 1 << 13  # records sorted at once, or made at once as one big int
# The records are sorted in up to _MAX_PARTS parts of about _PART_WINDOWS, split at the values
# of _SAMPLE records.
_PART_WINDOWS, _MAX_PARTS, _SAMPLE = 1 << 13, 16, 1024

SEP = 0  # word id that pads each sentence: before it, it is BEGIN; after it, END
_BATCH = 128  # sentences split at once: enough to run in C, few enough to add no memory
# In a batch of sentences joined after separators (see word_stream), a separator and the
# sentence after it when that has state_size words or fewer (possessive: no word is re-split).
# The separator's leading space may stay behind, and whitespace makes no word.
_SHORT = {
    k: re.compile(rb"\xff(?:\s++\xff){%d}\s*+(?:[^\s\xff]++\s*+){0,%d}+(?=\xff|\Z)" % (k - 1, k))
    for k in range(1, MAX_STATE_SIZE + 1)
}

# _index_by_float_records reads bytes as little-endian ids and doubles.
_FLOAT_RECORDS = sys.byteorder == "little" and array("I").itemsize == 4


def id_bits(word_count):
    # 16 at least, as every model stored in version 3 so far has it
    return max(16, (word_count - 1).bit_length())


def word_stream(text: str | bytes, state_size: int) -> tuple[list[bytes], array]:
    """The words as UTF-8 bytes (id 0 is SEP, then in order of first use) and the corpus as
    word ids: each sentence kept, after state_size SEPs.

    The text is read as UTF-8 bytes, whatever str it came as. Sentences go to bytes.split()
    in batches, joined by a byte that UTF-8 never uses, so that splitting and numbering words
    run in C rather than once per word in Python. (Numbering words by frequency would shrink
    the stored model by 4%, for 7 ms and 1.2 MB on a 0.6 MB corpus: not worth it.)
    """
    data = utf8_text(text)
    starts, ends = _kept_sentences(data)
    separator, short = b" \xff " * state_size, _SHORT[state_size]
    vocabulary = numbering(b"\xff")
    stream = array("I")
    for first in range(0, len(starts), _BATCH):
        batch = map(slice, starts[first : first + _BATCH], ends[first : first + _BATCH])
        # Short sentences dropped in one pass over the batch, not one match a sentence.
        words = short.sub(b"", separator + separator.join(map(data.__getitem__, batch))).split()
        if len(words) > 1:
            # itemgetter looks many keys up in one call; array() copies a tuple without
            # iterating it, which extend() would do an item at a time.
            stream += array("I", itemgetter(*words)(vocabulary))
        elif words:
            stream.append(vocabulary[words[0]])
    words = list(vocabulary)
    words[SEP] = b""
    return words, stream


def _kept_sentences(data: bytes) -> tuple[array, array]:
    """Where the text's sentences start and end, but for those with quotes or brackets that a
    chain would leave unbalanced."""
    start = 0
    while data.startswith(_BOM, start):  # byte order marks, skipped without a copy
        start += len(_BOM)
    ends = sentence_ends(data, start)
    starts = [start, *ends[:-1]]
    kept = unmarked(data, starts, ends)
    return array("Q", compress(starts, kept)), array("Q", compress(ends, kept))


def numbering(sep: bytes) -> defaultdict:
    """Word -> id, with ``sep`` as SEP: looking up a new word gives it the next id, in C."""
    vocabulary = defaultdict(count(SEP + 1).__next__)
    vocabulary[sep] = SEP
    return vocabulary


def index_windows(corpus: array, state_size: int, word_count: int) -> tuple:
    """The k-gram index of ``corpus`` (word ids, ending in state_size SEPs) as (occ, keys,
    off, blocks): window start positions sorted by (window's words, position), the distinct
    windows as ids packed into one int, sorted, where each one's occurrences start in occ, and
    where those of each block of first words start in keys (see block_starts)."""
    bits = id_bits(word_count)
    n = len(corpus) - state_size  # windows followed by a word
    if n >= _NUMPY_WINDOWS and bits * state_size + n.bit_length() <= 64:
        occ, keys, off = _index_by_numpy(corpus, n, state_size, bits)
    elif _FLOAT_RECORDS and bits * state_size <= _KEY_BITS and n <= 1 << 8 * _POSITION_BYTES:
        occ, keys, off = _index_by_float_records(corpus, n, state_size, bits)
    else:
        occ, keys, off = _index_by_sorting_ints(corpus, n, state_size, bits)
    return occ, keys, off, block_starts(keys, bits * (state_size - 1), word_count)


def block_starts(keys, shift: int, word_count: int) -> array:
    """Where in keys the windows of each block of first words start (see BLOCK_BITS), then
    len(keys). ``shift`` is the bits of a key below its first word."""
    blocks = ((word_count - 1) >> BLOCK_BITS) + 1
    firsts = map(lshift, range(blocks), repeat(shift + BLOCK_BITS))
    starts = array("I", map(bisect_left, repeat(keys), firsts))
    starts.append(len(keys))
    return starts


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


def _index_by_numpy(corpus, n, state_size, bits):
    """The k-gram index by numpy: each window's key above its position in one 64-bit int,
    sorted in place. The ints are distinct, so any sort orders the positions by (window,
    position). The arrays are written in place, with no temporary copy of them all."""
    import numpy as np

    ids = np.frombuffer(corpus, dtype=corpus.typecode)
    records = ids[:n].astype(np.uint64)
    for i in range(1, state_size):
        records <<= bits
        records |= ids[i : i + n]
    del ids  # a view of corpus, which cannot grow while one exists
    pos_bits = n.bit_length()
    records <<= pos_bits
    for first in range(0, n, _CHUNK):
        records[first : first + _CHUNK] |= np.arange(first, min(n, first + _CHUNK), dtype=np.uint64)
    records.sort()
    occ = array("I", [0]) * n
    np.bitwise_and(records, (1 << pos_bits) - 1, out=np.frombuffer(occ, "I"), casting="unsafe")
    records >>= pos_bits
    starts = np.flatnonzero(records[1:] != records[:-1])
    starts += 1
    keys = key_array([0], bits * state_size) * (len(starts) + 1)
    key_view = np.frombuffer(keys, keys.typecode)
    key_view[0] = records[0]
    key_view[1:] = records[starts]
    off = array("I", [0]) * (len(starts) + 2)
    off_view = np.frombuffer(off, "I")
    off_view[1:-1] = starts
    off_view[-1] = n
    del key_view, off_view
    return occ, keys, off


def _index_by_float_records(corpus, n, state_size, bits):
    """The k-gram index by sorts of plain floats, with no Python code per window.

    Each window becomes one 8-byte record: its key above its position, under bit 62. Read as
    a double, such a record is a positive normal number whose order is the record's integer
    order, and Python sorts floats by a fast path: so sorting the records orders the
    positions by (window, position). Records are made and read by slicing their bytes (ids
    that are not whole bytes are shifted into place as big ints, whose 64-bit lanes are the
    records), and sorted in parts split at sampled values, so that only a part is Python
    floats at a time (32 bytes a record, the peak of a build).
    """
    # Each stage's input is handed over in a list that the stage empties: an argument that
    # the caller passes is held by the caller until the call returns, so a stage could not
    # free its input once read.
    records = [_records(corpus, n, state_size, bits)]
    records = [_sorted_records(records, n)]
    return _read_records(records, n, bits * state_size)


def _records(corpus, n, state_size, bits) -> bytearray:
    records = bytearray(8 * n)
    if bits % 8 == 0:
        width, raw = bits // 8, corpus.tobytes()  # 4 little-endian bytes per id
        for j in range(state_size):
            at = _POSITION_BYTES + width * (state_size - 1 - j)
            for b in range(width):
                records[at + b :: 8] = raw[4 * j + b : 4 * (j + n) : 4]
        del raw
    else:
        for first in range(0, n, _CHUNK):
            count = min(_CHUNK, n - first)
            key = 0
            for j in range(state_size):
                shift = 8 * _POSITION_BYTES + bits * (state_size - 1 - j)
                key |= _lanes_of(corpus, first + j, count, (bits + 7) // 8) << shift
            records[8 * first : 8 * (first + count)] = key.to_bytes(8 * count, "little")
    for b in range(_POSITION_BYTES):
        records[b::8] = _position_bytes(n, b)
    records[7::8] = records[7::8].translate(_WITH_TOP)
    return records


def _sorted_records(handed: list[bytearray], n: int) -> bytearray:
    """The records (taken from ``handed``), sorted: each chunk sorted and cut into the parts,
    each part (a few sorted runs, which Python merges fast) sorted in turn."""
    records = handed.pop()
    with memoryview(records) as view:
        sample = sorted(view.cast("d")[:: max(1, n // _SAMPLE)].tolist())
        parts = min(_MAX_PARTS, n // _PART_WINDOWS + 1)
        cuts = sorted({sample[len(sample) * i // parts] for i in range(1, parts)})
        pieces = [bytearray() for _ in range(len(cuts) + 1)]
        for first in range(0, n, _CHUNK):
            values = sorted(view[8 * first : 8 * min(n, first + _CHUNK)].cast("d"))
            ends = [*map(bisect_left, repeat(values), cuts), len(values)]
            for piece, start, end in zip(pieces, [0, *ends], ends, strict=False):
                piece += _packed(values[start:end])
    del records, values
    ordered = bytearray()
    for i, piece in enumerate(pieces):
        values = array("d", piece).tolist()
        pieces[i] = piece = None
        values.sort()
        ordered += _packed(values)
        del values
    return ordered


def _read_records(handed, n, key_bits):
    """(occ, keys, off) from the sorted records (taken from ``handed``): the positions, and
    the first record of each run of equal keys."""
    records = handed.pop()
    size, key_bytes = (4 if key_bits <= 32 else 8), (key_bits + 7) // 8
    planes = [records[_POSITION_BYTES + b :: 8] for b in range(key_bytes)]
    if _POSITION_BYTES + key_bytes == 8:
        planes[-1] = planes[-1].translate(_WITHOUT_TOP)
    # Byte planes put together a chunk at a time in a bytearray (a strided bytearray copy is
    # several times faster than a strided memoryview's), then read into the arrays.
    occ = array("I")
    for first in range(0, n, _CHUNK):
        last = min(n, first + _CHUNK)
        raw = bytearray(4 * (last - first))
        for b in range(_POSITION_BYTES):
            raw[b::4] = records[8 * first + b : 8 * last : 8]
        occ.frombytes(raw)
    del records
    ordered = array("I" if size == 4 else "Q")
    for first in range(0, n, _CHUNK):
        raw = bytearray(size * (min(n, first + _CHUNK) - first))
        for b, plane in enumerate(planes):
            raw[b::size] = plane[first : first + _CHUNK]
        ordered.frombytes(raw)
    del raw
    keys, off = array(ordered.typecode, ordered[:1]), array("I", [0])
    for first in range(1, n, _CHUNK):
        last = min(n, first + _CHUNK)
        # Where a key differs from the one before it, with no Python object for a key that
        # starts no run: each plane XORed with itself one record on, as big ints, and the
        # planes ORed into one byte a record, nonzero for a new key.
        changed = 0
        for plane in planes:
            this = int.from_bytes(plane[first:last], "little")
            changed |= this ^ int.from_bytes(plane[first - 1 : last - 1], "little")
        starts = list(compress(range(first, last), changed.to_bytes(last - first, "little")))
        off.fromlist(starts)
        if len(starts) > 1:  # itemgetter reads many items in one call, as in word_stream
            keys += array(keys.typecode, itemgetter(*starts)(ordered))
        elif starts:
            keys.append(ordered[starts[0]])
    off.append(n)
    return occ, keys, off


def _packed(values: list[float]) -> bytes:
    # struct takes a float in a few instructions; array.fromlist parses each as an argument.
    return struct.pack(f"<{len(values)}d", *values)


def _lanes_of(corpus, first, count, id_bytes) -> int:
    """Ids first to first + count - 1 of the corpus, one a 64-bit lane of a big int."""
    lanes, ids = bytearray(8 * count), corpus[first : first + count].tobytes()
    for b in range(id_bytes):
        lanes[b::8] = ids[b::4]
    return int.from_bytes(lanes, "little")


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
