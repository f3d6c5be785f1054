"""Record keys: a post's rkey is a TID (13 characters of base32-sortable: 53 bits of
microseconds since the Unix epoch, then a 10-bit clock id), made from the tweet's stable
post key, so every attempt of one tweet asks for the same record."""

import re
import secrets
import time

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
# The post key ends with the tweet's creation instant in microseconds (Tweet.post_key).
_KEY = re.compile(r"(?:^|-)(\d+)-(\d{1,17})$")


def tid(micros: int, clock_id: int) -> str:
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    return "".join(ALPHABET[(value >> shift) & 31] for shift in range(60, -5, -5))


def record_key(key: str) -> str:
    """The TID for the post key `key` ("aviary-<id>-<microseconds>"): the instant, and the
    id as the clock id so two tweets of the same microsecond differ. A new TID without a key."""
    match = _KEY.search(key)
    if not match:
        return tid(time.time_ns() // 1000, secrets.randbelow(1024))
    return tid(int(match.group(2)), int(match.group(1)))


def is_tid(value: str) -> bool:
    return bool(TID_PATTERN.fullmatch(value))
