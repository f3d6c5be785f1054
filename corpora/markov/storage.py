"""The Markov model's stored form: "AVMK", a version byte and the state size, then zlib of
its counts, words, sources and arrays. Version 1 (no id width) still loads."""

import struct
import sys
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, chain
from operator import sub

from corpora.markov.index import MAX_STATE_SIZE, MIN_STATE_SIZE, key_array

MAGIC = b"AVMK"
VERSION = 2  # 1 had no id width: it was always the vocabulary's bit length
_HEADER = struct.Struct("<4sBB")
_COUNTS = struct.Struct("<IIIIIB")
_SOURCE = struct.Struct("<IId")


def dump(state_size, words, corpus, occ, keys, off, sources, bits) -> bytes:
    """A model's parts (as MarkovModel holds them) in a compact binary form (see ``load``)."""
    vocabulary = "\n".join(words[1:]).encode()
    deltas = keys[:1]  # an array, or a list for keys wider than 64 bits
    deltas.extend(map(sub, keys[1:], keys))
    sizes = array("I", map(sub, off[1:], off))
    counts = _COUNTS.pack(len(words), len(corpus), len(keys), len(sources), len(vocabulary), bits)
    # Compressed a part at a time, each array made into planes only when its turn comes,
    # so that the uncompressed model is never in memory whole.
    parts = chain(
        (counts, vocabulary),
        (_SOURCE.pack(*source) for source in sources),
        chain.from_iterable(map(_planes, (corpus, occ, deltas, sizes))),
    )
    packer = zlib.compressobj(6)
    out = [_HEADER.pack(MAGIC, VERSION, state_size), *map(packer.compress, parts)]
    out.append(packer.flush())
    return b"".join(out)


def load(data: bytes) -> tuple:
    """A model's parts, in MarkovModel's argument order, from ``dump()`` output: "AVMK", a
    version byte and the state size, then zlib of: counts (with the bits of a word id in a
    key; version 1 has 0 there and derives them), the words joined by newlines, the sources,
    and the arrays (corpus, occ, key deltas, group sizes) each as a width byte and that many
    byte planes. Raises ValueError for anything else."""
    data = bytes(data)
    if len(data) < _HEADER.size or data[:4] != MAGIC:
        raise ValueError("Not an Aviary Markov model (bad magic bytes).")
    _, version, state_size = _HEADER.unpack_from(data)
    if version not in (1, VERSION) or not MIN_STATE_SIZE <= state_size <= MAX_STATE_SIZE:
        raise ValueError(f"Unsupported Markov model (version {version}).")
    try:
        return _decode(state_size, zlib.decompress(data[_HEADER.size :]))
    except (zlib.error, struct.error, UnicodeDecodeError, IndexError, OverflowError) as e:
        raise ValueError(f"Corrupt Markov model: {e}") from None


def _decode(state_size, payload):
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
    keys = key_array(accumulate(deltas), bits * state_size)
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
    return state_size, words, corpus, occ, keys, off, sources, bits


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
