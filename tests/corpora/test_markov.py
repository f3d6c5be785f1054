"""The Markov engine: every output is made of the corpus's own windows, seeds are honoured,
lengths hold, models round-trip, and the CLI explains every failure. No Django here."""

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpora.markov import (
    CorpusTooSmall,
    MarkovModel,
    OutdatedModel,
    UnknownWord,
    index,
    split_sentences,
)
from tests.corpora.test_markov_splitting import UNBALANCED

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "project" / "demo" / "texts" / "adventures-1-6.txt").read_text()[:60_000]
VOCABULARY = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "Watson", "and", "ran,"]
END = "<END>"


def grams(text: str, k: int) -> set[tuple]:
    """Every (k + 1)-word window of the sentences the engine learns from, with sentence
    starts and ends marked, as the chain may walk them."""
    found = set()
    for sentence in split_sentences(text):
        if len(sentence) <= k or UNBALANCED.search(" ".join(sentence)):
            continue
        padded = [None] * k + sentence + [END]
        found.update(tuple(padded[i : i + k + 1]) for i in range(len(padded) - k))
    return found


def windows_of(sentence: str, k: int) -> set[tuple]:
    padded = [None] * k + sentence.split() + [END]
    return {tuple(padded[i : i + k + 1]) for i in range(len(padded) - k)}


corpora = st.lists(
    st.lists(st.sampled_from(VOCABULARY), min_size=4, max_size=12).map(
        lambda words: " ".join(words).capitalize() + "."
    ),
    min_size=3,
    max_size=30,
).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=corpora, k=st.integers(1, 4), seed=st.integers(0, 2**32))
def test_every_window_of_every_output_is_in_the_corpus(text, k, seed):
    try:
        model = MarkovModel.build(text, state_size=k)
    except CorpusTooSmall:
        return
    known = grams(text, k)
    rng = random.Random(seed)
    for _ in range(5):
        sentence = model.sentence(rng=rng, length=len, max_overlap_ratio=1.0, max_overlap_total=999)
        if sentence is not None:
            assert windows_of(sentence, k) <= known


@settings(max_examples=40, deadline=None)
@given(
    text=corpora, word=st.sampled_from(["cat", "dog", "watson", "Mat", "ran"]), seed=st.integers()
)
def test_a_seeded_sentence_contains_the_seed_and_is_made_of_corpus_windows(text, word, seed):
    model = MarkovModel.build(text, state_size=1)
    if word.lower() not in {w.strip(".,").lower() for w in text.split()}:
        with pytest.raises(UnknownWord):
            model.sentence(seed=word, length=len)
        return
    sentence = model.sentence(
        seed=word, rng=random.Random(seed), length=len, max_overlap_ratio=1.0, max_overlap_total=999
    )
    if sentence is not None:
        assert word.lower() in [w.strip(".,").lower() for w in sentence.split()]
        assert windows_of(sentence, 1) <= grams(text, 1)


@settings(max_examples=30, deadline=None)
@given(limit=st.integers(20, 140), words=st.integers(1, 12), seed=st.integers())
def test_lengths_and_minimum_words_hold(limit, words, seed):
    model = MarkovModel.build(DEMO[:20_000])
    sentence = model.sentence(max_length=limit, min_words=words, rng=random.Random(seed), tries=30)
    if sentence is not None:
        assert len(sentence) <= limit
        assert len(sentence.split()) >= words


def test_lengths_are_counted_by_the_length_given():
    from platforms.x.text import weighted_length

    # The same prose in CJK letters: each weighs 2, so plain len() would let twice as much in.
    cjk = DEMO.translate({ord(c): 0x4E00 + ord(c) for c in "abcdefghijklmnopqrstuvwxyz"})
    model = MarkovModel.build(cjk)
    rng = random.Random(5)
    sentences = [
        model.sentence(max_length=100, rng=rng, tries=50, length=weighted_length) for _ in range(30)
    ]
    assert any(sentences)
    assert all(weighted_length(s) <= 100 for s in sentences if s)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_models_round_trip_to_the_same_sentences(k):
    model = MarkovModel.build(DEMO, state_size=k)
    loaded = MarkovModel.from_bytes(model.to_bytes())
    for seed in range(5):
        assert model.sentence(rng=random.Random(seed), tries=20) == loaded.sentence(
            rng=random.Random(seed), tries=20
        )
    assert loaded.sentence_count == model.sentence_count
    assert loaded.word_count == model.word_count


def test_the_same_random_state_gives_the_same_sentence():
    model = MarkovModel.build(DEMO)
    first = [model.sentence(rng=random.Random(42)) for _ in range(3)]
    assert len(set(first)) == 1 and first[0]


def test_a_copy_of_the_corpus_is_rejected_as_unoriginal():
    text = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen."
    assert MarkovModel.build(text).sentence(tries=20, length=len) is None  # the only walk

    text = "The cat sat on the mat today. A dog sat on the rug today. The bird sat on a log."
    model = MarkovModel.build(text, state_size=1)
    rng = random.Random(1)
    made = [model.sentence(rng=rng, length=len, tries=50) for _ in range(30)]
    assert any(made)
    for sentence in filter(None, made):
        words = sentence.split()
        longest = min(15, round(0.7 * len(words)))
        runs = (" ".join(words[i : i + longest + 1]) for i in range(len(words) - longest))
        assert not any(run in text for run in runs)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=corpora,
    k=st.integers(1, 3),
    seed=st.integers(0, 2**32),
    ratio=st.sampled_from([0.3, 0.5, 0.7, 1.0]),
    total=st.integers(3, 15),
)
def test_a_walk_is_original_exactly_when_no_run_of_its_words_is_in_the_corpus(
    text, k, seed, ratio, total
):
    try:
        model = MarkovModel.build(text, state_size=k)
    except CorpusTooSmall:
        return
    corpus = model._corpus.tolist()
    rng = random.Random(seed)
    for _ in range(20):
        out, windows = model._draft(None, 280, rng.random)
        if out is None:
            continue
        run = min(min(total, round(ratio * len(out))) + 1, len(out))
        copied = any(
            corpus[start : start + run] == out[i : i + run]
            for i in range(len(out) - run + 1)
            for start in range(len(corpus) - run + 1)
        )
        assert model._is_original(out, windows, ratio, total) == (run > k + 1 and not copied)


def test_combine_with_zero_weight_speaks_only_from_the_first():
    first = "The cat sat on the mat. The cat ran to the mat. A cat sat on a rug."
    second = "The dog slept by the door. The dog ran by the gate. A dog slept at the gate."
    model = MarkovModel.combine([(MarkovModel.build(first), 1), (MarkovModel.build(second), 0)])
    rng = random.Random(3)
    known = grams(first, 2)
    for _ in range(20):
        sentence = model.sentence(rng=rng, length=len, max_overlap_ratio=1.0, max_overlap_total=999)
        assert sentence and windows_of(sentence, 2) <= known


def test_combine_refuses_mixed_state_sizes_and_bad_weights():
    one, two = MarkovModel.build(DEMO, state_size=1), MarkovModel.build(DEMO, state_size=2)
    with pytest.raises(ValueError, match="state size"):
        MarkovModel.combine([(one, 1), (two, 1)])
    with pytest.raises(ValueError, match="Weights"):
        MarkovModel.combine([(two, 0)])


def test_a_byte_order_mark_is_no_part_of_the_first_word():
    model = MarkovModel.build("\ufeffWatson came in at once. He sat down by the fire.")
    model.sentence(seed="Watson", length=len)  # no UnknownWord: the mark is not in the word
    # A quote that opens the text, after the mark, still leaves its sentence out.
    quoted = MarkovModel.build("\ufeff'Tis a fine day today. He sat down by the fire.")
    with pytest.raises(UnknownWord):
        quoted.sentence(seed="fine", length=len)


def test_words_holding_control_characters_stay_verbatim():
    text = "The \x00 cat sat on the mat. The \x01 dog sat on the \x00 rug. A cat sat."
    model = MarkovModel.build(text, state_size=1)
    rng = random.Random(2)
    for _ in range(20):
        sentence = model.sentence(rng=rng, length=len, max_overlap_ratio=1.0, max_overlap_total=99)
        if sentence is not None:
            assert windows_of(sentence, 1) <= grams(text, 1)


# More words than 16 bits number, in sentences of three to nine words.
MANY_WORDS = " ".join(f"W{i}" + (". " if i % 7 == 3 else " ") for i in range(70_000)) + " ".join(
    f"w{i % 500} W{i}." for i in range(0, 70_000, 3)
)


# Few windows, each thousands of times: runs of equal keys span whole chunks of records.
REPEATED = "The cat sat on the mat. A dog ran to the door and back. " * 3000


@pytest.mark.parametrize(
    ("text", "k"), [(DEMO, 1), (DEMO, 2), (DEMO, 3), (MANY_WORDS, 2), (REPEATED, 2)]
)
def test_each_way_of_indexing_builds_the_same_model(text, k, monkeypatch):
    """The float-record sort (keys and positions in 61 bits), numpy's sort of 64-bit ints
    (which large corpora take) and the plain sort of Python ints must agree to the byte."""
    built = MarkovModel.build(text, state_size=k).to_bytes()
    monkeypatch.setattr(index, "_NUMPY_WINDOWS", 1)
    assert MarkovModel.build(text, state_size=k).to_bytes() == built
    monkeypatch.setattr(index, "_NUMPY_WINDOWS", 1 << 62)
    monkeypatch.setattr(index, "_FLOAT_RECORDS", False)
    assert MarkovModel.build(text, state_size=k).to_bytes() == built


@pytest.mark.parametrize(("text", "k"), [(DEMO, 1), (DEMO, 2), (DEMO, 3), (MANY_WORDS, 2)])
def test_a_walk_looks_for_its_next_window_among_those_of_one_block(text, k):
    """Groups blocks[j] to blocks[j + 1] are exactly the windows whose first word is in block j
    (every word starts a window, so no block is empty)."""
    model = MarkovModel.build(text, state_size=k)
    keys, blocks, shift = model._keys, model._blocks, model._bits * (k - 1) + index.BLOCK_BITS
    assert len(blocks) == ((len(model._words) - 1) >> index.BLOCK_BITS) + 2
    assert blocks[0] == 0 and blocks[-1] == len(keys)
    for j in range(len(blocks) - 1):
        assert {key >> shift for key in keys[blocks[j] : blocks[j + 1]]} == {j}


def test_a_text_builds_the_same_model_from_its_utf8_bytes():
    # Spaces that bytes.split() would not see, an emoji, and quotes outside ASCII.
    text = (
        "\ufeffThe lamp\u00a0burned low. \U0001f600 Holmes\u2003sat\u3000still by the fire. "
        "\u201cCome,\u201d said he.\x1cWatson rose at once.\u2028The sea was calm.\n\n"
    ) + DEMO[:5000]
    built = MarkovModel.build(text)
    assert MarkovModel.build(text.encode()).to_bytes() == built.to_bytes()
    sentence = built.sentence(seed="still", tries=50, rng=random.Random(3), length=len)
    assert "still" in sentence.split()
    assert "\u00a0" not in sentence and "\u3000" not in sentence


def test_a_str_with_a_lone_surrogate_keeps_it_in_its_word():
    model = MarkovModel.build("The \ud800 cat sat on the mat. The dog sat on the rug.", 1)
    sentence = model.sentence(seed="\ud800", rng=random.Random(1), length=len, max_overlap_ratio=1)
    assert "\ud800" in sentence.split()


def test_bytes_that_are_not_utf8_are_refused_with_where():
    with pytest.raises(UnicodeDecodeError) as refused:
        MarkovModel.build(DEMO[:70_000].encode() + b" caf\xe9 au lait. " + DEMO[:1000].encode())
    assert refused.value.start == len(DEMO[:70_000].encode()) + 4


# Stored by the engine's first format (version 1, one zlib stream whose key deltas and group
# sizes had to be summed again on every load), from a four-sentence corpus.
VERSION_1_MODEL = bytes.fromhex(
    "41564d4b0102789c358c4b0ec2300c44eda4bf3829b49402e52fb6485c0171072e10012a1ba804e5de1c81c9"
    "82b1de8cc6b29c13d10e5480c11ed0f97e938befe50dbaa7f4a80fdf1fe4f569611e9b4e4ee2e5dab5e17c4b"
    "7f7d8ff8c14a47711232332105dda6e80efb90941533364da964ae2b1b8d97f1aa4e06eb7438ddb87c345930"
    "b1c9248d5d99583645e3f2da71a459617430a538e8070a8e1227"
)


def test_a_model_stored_by_an_earlier_engine_is_refused_as_outdated():
    with pytest.raises(OutdatedModel, match="rebuild it from its corpus"):
        MarkovModel.from_bytes(VERSION_1_MODEL)
    for version in (2, 3):  # 3 lacked the block starts
        earlier = bytearray(MarkovModel.build(DEMO).to_bytes())
        earlier[4] = version
        with pytest.raises(OutdatedModel):
            MarkovModel.from_bytes(bytes(earlier))


def test_garbage_truncated_or_damaged_bytes_are_refused():
    stored = MarkovModel.build(DEMO).to_bytes()
    damaged = bytearray(stored)
    damaged[len(stored) // 2] ^= 0x40
    newer = bytearray(stored)
    newer[4] = 99
    for data in (b"", b"garbage", b"AVMK", stored[:-1], stored[:40], bytes(damaged)):
        with pytest.raises(ValueError, match=r"Corrupt|Not an Aviary"):
            MarkovModel.from_bytes(data)
    with pytest.raises(ValueError, match="Unsupported"):
        MarkovModel.from_bytes(bytes(newer))


def test_a_loaded_model_is_the_built_one_to_the_byte():
    for k in (1, 2, 3):
        stored = MarkovModel.build(DEMO, state_size=k).to_bytes()
        assert MarkovModel.from_bytes(stored).to_bytes() == stored


def test_sentences_are_measured_by_the_length_function_given():
    model = MarkovModel.build(DEMO)
    measured = []

    def triple(text):
        measured.append(text)
        return 3 * len(text)

    rng = random.Random(9)
    made = [model.sentence(max_length=240, rng=rng, tries=50, length=triple) for _ in range(20)]
    assert any(made)
    assert all(3 * len(s) <= 240 for s in made if s)
    assert set(filter(None, made)) <= set(measured)


def test_two_loaded_copies_given_equal_random_states_say_the_same_things():
    stored = MarkovModel.build(DEMO).to_bytes()
    first, second = MarkovModel.from_bytes(stored), MarkovModel.from_bytes(stored)
    one, two = random.Random(7), random.Random(7)
    said = [first.sentence(rng=one, seed="Holmes") for _ in range(10)]
    assert said == [second.sentence(rng=two, seed="Holmes") for _ in range(10)]
    assert len(set(said)) > 1


def test_too_small_a_corpus_says_so():
    with pytest.raises(CorpusTooSmall, match="too small"):
        MarkovModel.build("Hi.")
    with pytest.raises(ValueError):
        MarkovModel.build(DEMO, state_size=5)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "corpora.markov", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cli_prints_sentences_one_per_line(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(DEMO)
    done = run_cli(
        "--corpus", str(corpus), "--count", "3", "--seed", "Watson", "--max-length", "200"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert all("watson" in line.lower() and len(line) <= 200 for line in lines)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "cannot read"),
        ("", [], "too small"),
        ("Just one.", [], "too small"),
        (b"\xff\xfe\x00bad", [], "not UTF-8"),
        (DEMO, ["--seed", "xyzzyplugh"], "does not occur in the corpus"),
    ],
)
def test_the_cli_explains_each_failure_with_status_1(tmp_path, content, args, message):
    corpus = tmp_path / "corpus.txt"
    if isinstance(content, bytes):
        corpus.write_bytes(content)
    elif content is not None:
        corpus.write_text(content)
    done = run_cli("--corpus", str(corpus), *args)
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr


def test_the_cli_refuses_a_bad_state_size(tmp_path):
    done = run_cli("--corpus", "x.txt", "--state-size", "9")
    assert done.returncode == 2 and "state-size" in done.stderr


# Every module of the package imported and the engine used once (an import on use counts
# too), then the modules loaded: of the project, only the package and its parent may be there.
IMPORTS_OF_EVERY_ENGINE_MODULE = """
import pkgutil, sys
import corpora.markov
for module in pkgutil.iter_modules(corpora.markov.__path__, "corpora.markov."):
    __import__(module.name)
model = corpora.markov.MarkovModel.build("The cat sat on the mat. The dog sat on the rug.")
corpora.markov.MarkovModel.from_bytes(model.to_bytes()).sentence(seed="cat", tries=5)
print(" ".join(sorted(sys.modules)))
"""


def test_no_module_of_the_engine_imports_django_or_any_project_package():
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_OF_EVERY_ENGINE_MODULE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    modules = done.stdout.split()
    assert "corpora.markov.__main__" in modules and "corpora.markov.storage" in modules
    project = {path.parent.name for path in ROOT.glob("*/__init__.py")} | {"django"}
    outside = [
        name
        for name in modules
        if name.split(".")[0] in project
        and name != "corpora"
        and name.split(".")[:2] != ["corpora", "markov"]
    ]
    assert outside == []


def test_the_benchmark_counts_a_childs_own_peak_memory_not_its_parents():
    # ru_maxrss carries the parent's peak across exec: a child of a large parent looked large.
    ballast = b"x" * (64 << 20)
    code = "from bench.markov import peak_mb; print(peak_mb())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    del ballast
    assert float(done.stdout) < 48


def test_the_benchmark_child_times_builds_and_stores_the_model_built(tmp_path):
    corpus, dump = tmp_path / "corpus.txt", tmp_path / "model"
    corpus.write_text(DEMO, encoding="utf-8")
    code = (
        "from bench.markov import build; "
        f"print(repr(build('aviary', {str(corpus)!r}, {str(dump)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    figures = ast.literal_eval(done.stdout)
    assert set(figures) == {"build_s", "build_cpu_s", "dump_s", "model_mb", "peak_mb"}
    assert figures["build_s"] > 0 and figures["build_cpu_s"] > 0 and figures["peak_mb"] > 0
    stored = dump.read_bytes()
    assert figures["model_mb"] == len(stored) / 1e6
    assert MarkovModel.from_bytes(stored).to_bytes() == MarkovModel.build(DEMO).to_bytes()
