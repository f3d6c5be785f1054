"""The Markov engine's sentence splitting: sentences end where a careful reader would end
them, the patterns agree with reading each word, and short sentences are left out."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpora.markov import index, split_sentences
from corpora.markov.splitting import _CLOSERS, _end_kind, _word_kind

# markovify's filter, read off a sentence's words: a bracket or double quote anywhere, a single
# quote at the start or end of a word.
UNBALANCED = re.compile(
    r"[\"()\[\]\u00ab\u00bb\u201c-\u201f]|(?<!\S)['\u2018-\u201b]|['\u2018-\u201b](?!\S)"
)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Mr. Holmes came in. He sat.", ["Mr. Holmes came in.", "He sat."]),
        (
            "Dr. Watson and Mrs. Hudson wait. Then they go.",
            ["Dr. Watson and Mrs. Hudson wait.", "Then they go."],
        ),
        ("Fruit, e.g. apples, is good. Eat it.", ["Fruit, e.g. apples, is good.", "Eat it."]),
        (
            "He lives on Baker St. near the park. Yes.",
            ["He lives on Baker St. near the park.", "Yes."],
        ),
        ("J. Smith wrote it. Really?", ["J. Smith wrote it.", "Really?"]),
        ('"Come here!" he said. She came.', ['"Come here!" he said.', "She came."]),
        ("Wait... What now? Go!", ["Wait...", "What now?", "Go!"]),
        ("It was in the U.S. Army. Then home.", ["It was in the U.S. Army.", "Then home."]),
        ("First line\n\nSecond paragraph here", ["First line", "Second paragraph here"]),
        ("Windows lines.\r\n\r\nNew one", ["Windows lines.", "New one"]),
        ("Tabs\tand\u00a0other  spaces. Next", ["Tabs and other spaces.", "Next"]),
        ("See No. 5 here. No. Then go.", ["See No. 5 here.", "No.", "Then go."]),
        (
            "Apples, pears etc. Are fine. Done. \u00e9lan",
            ["Apples, pears etc. Are fine.", "Done. \u00e9lan"],
        ),
        ("Really?! Yes.) Next", ["Really?!", "Yes.)", "Next"]),
        ("x" * 70 + ". Next", ["x" * 70 + ".", "Next"]),
    ],
)
def test_sentences_are_split_as_a_careful_reader_would(text, sentences):
    assert [" ".join(words) for words in split_sentences(text)] == sentences


def reference_split(text: str) -> list[list[str]]:
    """The splitting rule applied word by word, as the engine did before it used patterns."""
    sentences = []
    for paragraph in re.split(r"\n[^\S\n]*\n", text):
        words, start = paragraph.split(), 0
        for i in range(len(words) - 1):
            core, following = words[i].rstrip(_CLOSERS), words[i + 1][0]
            if (
                not core
                or core[-1] not in ".!?"
                or following.islower()
                or following in "-\u2013\u2014"
            ):
                continue
            kind = _end_kind(words[i]) if core[-1] == "." else 1
            if kind == 1 or (kind == 2 and not following.isdigit()):
                sentences.append(words[start : i + 1])
                start = i + 1
        if start < len(words):
            sentences.append(words[start:])
    return sentences


PIECES = [
    "Mr.",
    "e.g.",
    "U.S.",
    "No.",
    "5",
    "'",
    "\u2019",
    '"',
    "(",
    ")",
    "don't",
    "Hi!",
    "ok?",
    "\n\n",
    "\n",
    " \r\n ",
    "\t",
    "\u00a0",
    "a",
    "B",
    "St.",
    "etc.",
    "word.",
    "Word.",
    "-y",
    "\u2014x",
    "\u00e9.",
    "\u00c9",
    ".",
    "...",
    "x.)",
    'y!"',
    "'z",
    "J.F.",
    "MR.",
    "afterwards.",
    "(Somewhere.",
    "approx.",
    "(Mr.",
    "p.",
    "Vol.",
    "5.",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from([" ", "", "\n", "  "]))))
def test_sentences_split_by_patterns_as_by_reading_each_word(pieces):
    text = "".join(piece + gap for piece, gap in pieces)
    assert list(split_sentences(text)) == reference_split(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbBjJpPsStTvV05.'\"()\u00e9\u201c\u201d", min_size=1, max_size=8))
def test_a_words_kind_read_from_its_bytes_is_the_kind_read_from_its_text(word):
    word += "."
    assert _word_kind(word.encode()) == _end_kind(word)


# Words with marks that leave their sentence out, and words that only look like them: quotes
# inside words, and characters that share a typographic mark's first bytes (\u00a9, \u2014).
MARKED = [
    "(cat",
    "mat)",
    "[on]",
    '"Sat',
    "'Tis",
    "ran'",
    "\u201cCome,\u201d",
    "\u00abnon\u00bb",
    "\u2019twas",
]
UNMARKED = ["don't", "rock\u2019n\u2019roll", "caf\u00e9", "\u00a9", "a\u2014b", "\u2026"]


@pytest.mark.parametrize(("k", "seed"), [(1, 1), (2, 2), (3, 3), (4, 4), (2, 5)])
def test_sentences_short_or_holding_marks_are_left_out_across_batches(k, seed):
    rng = random.Random(seed)
    words = ["cat", "Sat", "on", "the", "mat", "Watson", "ran"] * 3 + MARKED + UNMARKED
    text = "".join(
        " ".join(rng.choices(words, k=rng.choice([1, 1, 2, 3, 4, 5, 6]))).capitalize()
        + rng.choice([". ", ".\n\n", ".  \t"])
        for _ in range(3 * index._BATCH + 7)
    )
    vocabulary, stream = index.word_stream(text, k)
    found, sentence = [], []
    for word_id in [*stream, index.SEP]:
        if word_id != index.SEP:
            sentence.append(vocabulary[word_id].decode())
        elif sentence:
            found.append(sentence)
            sentence = []
    every = list(split_sentences(text))
    kept = [s for s in every if len(s) > k and not UNBALANCED.search(" ".join(s))]
    assert found == kept
    assert 0 < len(kept) < len([s for s in every if len(s) > k])  # some left out for marks
    assert any(word in UNMARKED for sentence in kept for word in sentence)
    # each kept sentence after exactly k SEPs
    assert len(stream) == sum(len(s) + k for s in kept)
    assert stream[:k].tolist() == [index.SEP] * k
