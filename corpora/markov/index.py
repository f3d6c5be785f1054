"""The Markov engine's build: a text's kept sentences as word ids, and their k-gram index.

Every position of the corpus is sorted by the state_size words that start there (a window),
so each window owns one run of occurrences; two ways of sorting build the same index.
"""

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import cache
from itertools import compress, count, repeat
from operator import and_, itemgetter, lshift, ne, not_, or_, rshift

from corpora.markov.splitting import _BOM, sentence_ends, unbalanced_marks, utf8_text

MIN_STATE_SIZE, MAX_STATE_SIZE = 1, 4
# A float record (see _index_by_float_records) holds a window's key and position in 61 bits:
# at state size 2, 16 million windows of 262,144 words (some 150 MB of text), with no numpy
# (which takes 0.1 s and 22 MB just to import). Longer keys are sorted as Python ints.
_RECORD_BITS = 61
_TOP = 1 << 62  # above 61 bits of key and position: a positive, normal, finite double
_LANES = 1 << 13  # records made or read at once: 64 KB a big int
_LANE_MASK = (1 << 64) - 1
# The records are sorted in up to _MAX_PARTS parts of about _PART_WINDOWS, split at the values
# of _SAMPLE records.
_PART_WINDOWS, _MAX_PARTS, _SAMPLE = 1 << 13, 16, 1024

SEP = 0  # word id that pads each sentence: before it, it is BEGIN; after it, END
_BATCH = 128  # sentences split at once: enough to run in C, few enough to add no memory
# Whether a sentence has state_size words or fewer; possessive, so no word is ever re-split.
_SHORT = {k: re.compile(rb"\s*+(?:\S++\s*+){0,%d}" % k) for k in range(1, MAX_STATE_SIZE + 1)}

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
    starts, ends = _kept_sentences(data, state_size)
    separator = b" \xff " * state_size
    vocabulary = numbering(b"\xff")
    stream = array("I")
    for first in range(0, len(starts), _BATCH):
        batch = map(slice, starts[first : first + _BATCH], ends[first : first + _BATCH])
        # itemgetter looks many keys up in one call (a batch has at least 3 words)
        joined = separator + separator.join(map(data.__getitem__, batch))
        stream.extend(itemgetter(*joined.split())(vocabulary))
    words = list(vocabulary)
    words[SEP] = b""
    return words, stream


def _kept_sentences(data: bytes, state_size: int) -> tuple[array, array]:
    """Where the text's sentences start and end, but for those of state_size words or fewer
    and those with quotes or brackets that a chain would leave unbalanced."""
    start = 0
    while data.startswith(_BOM, start):  # byte order marks, skipped without a copy
        start += len(_BOM)
    ends = sentence_ends(data, start)
    starts = [start, *ends[:-1]]
    unbalanced = unbalanced_marks(data, start)
    left_out = set(map(bisect_right, repeat(ends), unbalanced))
    short = map(bool, map(_SHORT[state_size].fullmatch, repeat(data), starts, ends))
    kept = list(map(not_, map(or_, short, map(left_out.__contains__, count()))))
    return array("Q", compress(starts, kept)), array("Q", compress(ends, kept))


def numbering(sep: bytes) -> defaultdict:
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
    if _FLOAT_RECORDS and bits * state_size + _position_bits(n) <= _RECORD_BITS:
        return _index_by_float_records(corpus, n, state_size, bits)
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


def _index_by_float_records(corpus, n, state_size, bits):
    """The k-gram index by sorts of plain floats, with no Python code per window.

    Each window becomes one 8-byte record: its key above its position, under bit 62. Read as
    a double, such a record is a positive normal number whose order is the record's integer
    order, and Python sorts floats by a fast path: so sorting the records
    orders the positions by (window, position). The records are made and read a few
    thousand at a time as one big int, whose 64-bit lanes are the records: a shift, mask or
    sum of the int is that of every lane. They are sorted in parts split at sampled values,
    so that only a part is Python floats at a time (32 bytes a record, the peak of a build).
    """
    pos_bits = _position_bits(n)
    shifts = [pos_bits + bits * (state_size - 1 - j) for j in range(state_size)]
    bounds = _part_bounds(corpus, n, shifts)
    id_bytes = (bits + 7) // 8
    cuts = [_as_float(bound) for bound in bounds]
    parts = [array("d") for _ in range(len(bounds) + 1)]
    for first in range(0, n, _LANES):
        count = min(_LANES, n - first)
        lanes = _lane_ones(count) * (first + _TOP) + _lane_positions(count)
        for j, shift in enumerate(shifts):
            lanes |= _lanes_of(corpus, first + j, count, id_bytes) << shift
        # Sorted a chunk at a time, each part is a few sorted runs, which Python merges fast.
        values = sorted(array("d", lanes.to_bytes(8 * count, "little")))
        ends = [*map(bisect_left, repeat(values), cuts), count]
        for part, start, end in zip(parts, [0, *ends], ends, strict=False):
            part.fromlist(values[start:end])
    records = array("d")
    for i, part in enumerate(parts):
        values = part.tolist()
        parts[i] = part = None
        values.sort()
        records.fromlist(values)
        del values
    return _read_records(memoryview(records).cast("B"), n, pos_bits, bits * state_size)


def _read_records(raw, n, pos_bits, key_bits):
    """(occ, keys, off) from the sorted records' bytes: the positions, and the first record
    of each run of equal keys (where a lane's key differs from the lane's before it)."""
    occ, off = array("I"), array("I")
    keys = array("I" if key_bits <= 32 else "Q")
    previous = None
    for first in range(0, n, _LANES):
        count = min(_LANES, n - first)
        ones = _lane_ones(count)
        lanes = int.from_bytes(raw[8 * first : 8 * (first + count)], "little")
        positions = (lanes & ones * ((1 << pos_bits) - 1)).to_bytes(8 * count, "little")
        occ_bytes = bytearray(4 * count)
        for b in range(4):
            occ_bytes[b::4] = positions[b::8]
        occ.frombytes(occ_bytes)
        key_lanes = (lanes >> pos_bits) & ones * ((1 << key_bits) - 1)
        first_key = key_lanes & _LANE_MASK
        before = first_key ^ 1 if previous is None else previous
        changed = key_lanes ^ ((key_lanes << 64) | before)
        for shift in (32, 16, 8):  # each lane's bytes ORed into its lowest
            changed |= changed >> shift
        starts = changed.to_bytes(8 * count + 8, "little")[: 8 * count : 8]
        off.extend(compress(range(first, first + count), starts))
        keys.extend(compress(array("Q", key_lanes.to_bytes(8 * count, "little")), starts))
        previous = key_lanes >> 64 * (count - 1)
    off.append(n)
    return occ, keys, off


def _part_bounds(corpus, n, shifts) -> list[int]:
    """Records that split the windows into parts of about _PART_WINDOWS, from a sample."""
    parts = min(_MAX_PARTS, n // _PART_WINDOWS + 1)
    if parts < 2:
        return []
    sample = sorted(
        sum(corpus[p + j] << shift for j, shift in enumerate(shifts)) | p | _TOP
        for p in range(0, n, max(1, n // _SAMPLE))
    )
    bounds = {sample[len(sample) * i // parts] for i in range(1, parts)}
    return sorted(bounds)


def _lanes_of(corpus, first, count, id_bytes) -> int:
    """Ids first to first + count - 1 of the corpus, one a lane."""
    lanes, ids = bytearray(8 * count), corpus[first : first + count].tobytes()
    for b in range(id_bytes):
        lanes[b::8] = ids[b::4]
    return int.from_bytes(lanes, "little")


def _as_float(record: int) -> float:
    return array("d", record.to_bytes(8, "little"))[0]


@cache
def _lane_ones(count) -> int:
    """1 in each of ``count`` lanes: times v, v in each lane."""
    return int.from_bytes(b"\x01\x00\x00\x00\x00\x00\x00\x00" * count, "little")


@cache
def _lane_positions(count) -> int:
    """0, 1, ... count - 1, one a lane."""
    return int.from_bytes(array("Q", range(count)).tobytes(), "little")


def _position_bits(n):
    return max(1, (n - 1).bit_length())


def key_array(values, bits):
    # Keys wider than 64 bits (large vocabularies at state size 4) stay Python ints.
    if bits > 64:
        return list(values)
    return array("I" if bits <= 32 else "Q", values)
