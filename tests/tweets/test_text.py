"""Tweet length: tweets.text must agree with the official twitter-text 3.1.0 (npm, run under
node) on every input, from X's documented cases to random mixes of scripts, emoji and URLs."""

import json
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tweets.text import is_valid, weighted_length

ORACLE = Path(__file__).resolve().parents[1] / "js" / "twitter_text_oracle.js"

# Pieces that exercise every rule: scripts of each weight, combining marks, emoji with skin
# tones, ZWJ families, flags and keycaps, URLs with and without a protocol, glued to text,
# t.co links, characters X refuses, and the case-folding traps of non-ASCII letters.
PIECES = [
    "a", "Z", "7", " ", "\n", ".", ",", "/", ":", "-", "_", "!", "?", '"', "(", ")", "$",
    "@user", "#tag", "＃", "＠", "http://", "https://", "HTTPS://", "www.", "example.com",
    "foo.co.uk", "bit.ly/x", ".com", ".org", ".jp", ".рф", "пример", "xn--", "t.co/",
    "https://t.co/abcdefghijklmnopqrstuvwxyz01234567890123456789", "?q=1&b=2", "/path",
    "é", "e\u0301", "\u0301", "ñ", "字", "の", "ア", "한", "ع", "ह", "ไ", "ß", "Ω", "©", "™",
    "😀", "👍🏽", "👩\u200d👩\u200d👧", "🏳️\u200d🌈", "🇫🇷", "1️⃣", "❤️", "\u200d", "\ufe0f",
    "𝔘", "\U0001f9ff", "ſ", "K", "ı", "İ", "\u3002", "．", "\u3000", "\u2028", "\ufeff",
    "\ufffe", "\u200f", "\u202a",
]  # fmt: skip

KNOWN = [
    ("", 0, False),
    ("I am a Tweet", 12, True),
    ("x" * 280, 280, True),
    ("x" * 281, 281, False),
    ("の" * 140, 280, True),
    ("の" * 141, 282, False),
    ("🐱" * 140, 280, True),
    ("http://test.com", 23, True),
    ("test.com", 23, True),
    ("Test https://test.com test https://test.com test.com test", 86, True),
    ("see example.com 👩\u200d👩\u200d👧", 30, True),
    ("👍🏽", 2, True),
    ("🇫🇷", 2, True),
    ("1️⃣", 2, True),
    ("e\u0301", 1, True),  # NFC makes it one character
    ("\U00010000\U0010ffff", 4, True),
    ("저찀쯿쿿", 8, True),
    ("a\ufeffb", 4, False),
    # A t.co slug over 40 characters is not a link at all: counted letter by letter.
    ("https://t.co/abcdefghijklmnopqrstuvwxyz0123456789012345678901234567", 67, True),
    ("xexample.com", 23, True),
    ("_example.com", 12, True),  # "_" may not precede a link without a protocol
]


@pytest.fixture(scope="session")
def oracle():
    """twitter-text itself, one node process for the whole session."""
    process = subprocess.Popen(
        ["node", str(ORACLE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="surrogatepass",
    )

    def ask(texts: list[str]) -> list[tuple[int, bool]]:
        process.stdin.write(json.dumps(texts) + "\n")
        process.stdin.flush()
        return [tuple(answer) for answer in json.loads(process.stdout.readline())]

    yield ask
    process.stdin.close()
    process.wait(timeout=10)


def ours(texts):
    return [(weighted_length(text), is_valid(text)) for text in texts]


@pytest.mark.parametrize(("text", "length", "valid"), KNOWN, ids=range(len(KNOWN)))
def test_it_counts_the_documented_cases(oracle, text, length, valid):
    assert oracle([text]) == [(length, valid)], "the reference itself changed"
    assert (weighted_length(text), is_valid(text)) == (length, valid)


def test_it_agrees_on_twenty_thousand_random_mixes(oracle):
    rng = random.Random(20261123)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(20_000)]
    mismatches = [
        (text, mine, theirs)
        for text, mine, theirs in zip(texts, ours(texts), oracle(texts), strict=True)
        if mine != theirs
    ]
    assert mismatches == []


def test_it_agrees_near_the_limit(oracle):
    rng = random.Random(7)
    texts = []
    for _ in range(2_000):
        text = ""
        while len(text) < 270:
            text += rng.choice([*PIECES, "word ", "another ", "Watson. "])
        texts.append(text)
    assert ours(texts) == oracle(texts)


mixes = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=25, deadline=None)
@given(st.lists(mixes, min_size=50, max_size=50))
def test_it_agrees_on_any_text(oracle, texts):
    assert ours(texts) == oracle(texts)
