"""The Markov model's stored form, made to load in a few copies: "AVMK", a version byte, the
state size, the counts and a CRC-32 of the rest; then the words and the arrays as byte planes.

Version 4. Earlier versions are refused with OutdatedModel, and a model is rebuilt from its
corpus's text: 1 and 2 held one zlib stream of key deltas and group sizes, summed again on
every load; 3 lacked where the windows of each block of first words start (``blocks``).
"""

import struct
import sys
import zlib
from array import array
from collections.abc import Iterator

from corpora.markov.index import BLOCK_BITS, MAX_STATE_SIZE, MIN_STATE_SIZE

MAGIC = b"AVMK"
VERSION = 4
_HEADER = struct.Struct("<4sBBIIIIIBI")  # see load
_SOURCE = struct.Struct("<IId")
# A plane goes into the one zlib stream only if that saves 40% of it or more: the planes that
# barely compress (the low bytes of positions and ids) are copied at load, not inflated.
_WORTH_COMPRESSING = 0.6
_LEVEL = 6
_ARRAYS = 5  # corpus, occ, keys, off, blocks


class OutdatedModel(ValueError):
    """A model stored by an earlier version of the engine: rebuild it from its corpus."""


def dump(state_size, words, corpus, occ, keys, off, blocks, sources, bits) -> bytes:
    """A model's parts (as MarkovModel holds them) in the stored form (see ``load``)."""
    vocabulary = b"\n".join(words[1:])
    packer = zlib.compressobj(_LEVEL)
    packed, raw, widths, kinds = [packer.compress(vocabulary)], [], [], []
    for values in (corpus, occ, keys, off, blocks):
        planes = list(_planes(values))
        widths.append(len(planes))
        for plane in planes:
            alone = len(zlib.compress(plane, 1))
            kinds.append(alone <= _WORTH_COMPRESSING * len(plane))
            (packed if kinds[-1] else raw).append(packer.compress(plane) if kinds[-1] else plane)
    packed.append(packer.flush())
    packed = b"".join(packed)
    body = [
        *(_SOURCE.pack(*source) for source in sources),
        bytes(widths),
        bytes(kinds),
        struct.pack("<I", len(packed)),
        packed,
        *raw,
    ]
    crc = 0  # of the body's parts in turn, so that the body is joined once, behind the header
    for part in body:
        crc = zlib.crc32(part, crc)
    counts = (len(words), len(corpus), len(keys), len(sources), len(vocabulary), bits)
    return b"".join([_HEADER.pack(MAGIC, VERSION, state_size, *counts, crc), *body])


def load(data: bytes) -> tuple:
    """A model's parts, in MarkovModel's argument order, from ``dump()`` output. Raises
    OutdatedModel for an earlier version's model and ValueError for anything else.

    The header: magic, version, state size; the counts of words, corpus ids, keys and
    sources, the words' bytes, a word id's bits in a key; a CRC-32 of every byte after it, so
    that a damaged model never loads. Then the sources; each array's width in bytes (corpus,
    occ, keys, off, blocks); whether each byte plane of theirs is compressed; one zlib stream
    of the words (joined by newlines) and the compressed planes; then the other planes, raw.
    """
    view = memoryview(data)
    if len(view) < 6 or view[:4] != MAGIC:
        raise ValueError("Not an Aviary Markov model (bad magic bytes).")
    if view[4] < VERSION:
        raise OutdatedModel(
            f"A Markov model stored by an earlier engine (version {view[4]}): rebuild it from "
            "its corpus."
        )
    if view[4] != VERSION or len(view) < _HEADER.size:
        raise ValueError(f"Unsupported Markov model (version {view[4]}).")
    _, _, k, n_words, n_corpus, n_keys, n_sources, n_vocab, bits, crc = _HEADER.unpack_from(view)
    body = view[_HEADER.size :]
    if zlib.crc32(body) != crc:
        raise ValueError("Corrupt Markov model: its checksum does not match.")
    try:
        sources = list(_SOURCE.iter_unpack(body[: n_sources * _SOURCE.size]))
        pos = n_sources * _SOURCE.size
        widths = body[pos : pos + _ARRAYS]
        pos += _ARRAYS
        kinds = body[pos : pos + sum(widths)]
        pos += len(kinds)
        (size,) = struct.unpack_from("<I", body, pos)
        pos += 4
        packed = zlib.decompress(body[pos : pos + size])
        raw = body[pos + size :]
    except (zlib.error, struct.error) as error:
        raise ValueError(f"Corrupt Markov model: {error}") from None
    counts = (n_corpus, n_corpus - k, n_keys, n_keys + 1, ((n_words - 1) >> BLOCK_BITS) + 2)
    if (
        not MIN_STATE_SIZE <= k <= MAX_STATE_SIZE
        or not n_sources
        or len(sources) != n_sources
        or len(widths) != _ARRAYS
        or len(kinds) != sum(widths)
        or (len(raw), len(packed)) != _plane_bytes(counts, widths, kinds, n_vocab)
    ):
        raise ValueError("Corrupt Markov model: inconsistent sizes.")
    words = [b"", *packed[:n_vocab].split(b"\n")] if n_words > 1 else [b""]
    if len(words) != n_words:
        raise ValueError("Corrupt Markov model: inconsistent sizes.")
    arrays, at = [], {True: n_vocab, False: 0}
    flags = iter(kinds)
    for count, width in zip(counts, widths, strict=True):
        size = 4 if width <= 4 else 8 if width <= 8 else width
        out = bytearray(size * count)
        for i in range(width):
            on = bool(next(flags))
            source = packed if on else raw
            out[i::size] = source[at[on] : at[on] + count]
            at[on] += count
        arrays.append(_values(out, size))
    corpus, occ, keys, off, blocks = arrays
    return k, words, corpus, occ, keys, off, blocks, sources, bits


def _plane_bytes(counts, widths, kinds, n_vocab) -> tuple[int, int]:
    """The bytes that the raw planes and the zlib stream must hold."""
    held = [0, n_vocab]
    flags = iter(kinds)
    for count, width in zip(counts, widths, strict=True):
        for _ in range(width):
            held[bool(next(flags))] += count
    return held[0], held[1]


def _planes(values) -> Iterator[bytes]:
    """The values' byte planes: all low bytes, then the next, and so on."""
    top = max(values, default=0)
    width = max(1, (top.bit_length() + 7) // 8)
    if width <= 8:
        typecode = "I" if width <= 4 else "Q"
        items = values if getattr(values, "typecode", "") == typecode else array(typecode, values)
        if sys.byteorder == "big":
            items = array(typecode, items)
            items.byteswap()
        raw, size = memoryview(items).cast("B"), items.itemsize
    else:  # keys wider than 64 bits (large vocabularies at state size 4)
        raw, size = b"".join(v.to_bytes(width, "little") for v in values), width
    for i in range(width):
        yield bytes(raw[i::size])


def _values(raw: bytearray, size: int):
    """An array of little-endian values of ``size`` bytes ("I" or "Q"), or a list of ints for
    wider keys."""
    if size > 8:
        return [int.from_bytes(raw[i : i + size], "little") for i in range(0, len(raw), size)]
    items = array("I" if size == 4 else "Q")
    items.frombytes(raw)
    if sys.byteorder == "big":
        items.byteswap()
    return items
