"""The Markov engine against markovify 0.9.4, on the same corpora in one run:
`python -m bench.markov [--sentences 200] [--runs 5]`.

Three corpora: sherlock.txt (0.6 MB, from ../shared/corpora or $BENCH_SHERLOCK); a 3.5 MB mix
(that file, Debian's fortunes, /usr/share/common-licenses); and 10 MB: the mix, then the
reStructuredText sources of Python's documentation, cut at 10,000,000 bytes. On a fresh machine:
`apt-get install fortunes fortunes-min python3-doc` and `pip install -r requirements-dev.txt`.

Each engine works in processes of its own, taking turns process by process so that machine noise
falls on both: in each run one engine builds, then the other, then the other uses its model,
then the first (A B B A), and the next run starts with the other engine. Each run goes
through the three corpora in turn, so that the machine's drift over the minutes a bench takes
falls on all three alike (the growth compares two of them). A build process reads
the corpus, builds and stores the model (stored size; peak memory of that first build), then
builds it again while under REPEAT_SECONDS in all (build time: the median of those builds, so
that a build of a few hundredths of a second is not one timing that a moment's load doubles;
build_cpu_s, with no target, is the same builds' CPU time, which leaves out waits for a core); a
use process loads the stored model (load time), then writes --sentences sentences of at most
280 by X's weighted length (platforms.x.text), each of at most TRIES walks: aviary's own
`sentence(length=weighted_length)`, and for markovify the same job by hand (a walk, the
weighted length, then its originality test), since its make_short_sentence counts characters
and tries tries² walks. Engine memory is the build process's peak resident memory less that of
a process that imports nothing (the interpreter's own baseline, printed). Within a run, loads
and generation are each timed as the median of REPEATS repetitions or more (more while under
REPEAT_SECONDS in all, so a fast engine's, which a moment's load could double, is timed many
times). Figures are medians of --runs; ratios are aviary / markovify, with the range over runs.
Each target is printed with whether it held; exit status 1 if any missed.

Both engines' modules run from compiled bytecode, as installed packages do (see child_env).
"""

import os
import sys
import time

# The children measure their own memory, so this module imports only what they all need;
# what the parent alone uses is imported in its functions.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHERLOCK = os.environ.get(
    "BENCH_SHERLOCK", os.path.join(os.path.dirname(ROOT), "shared", "corpora", "sherlock.txt")
)
FORTUNES = "/usr/share/games/fortunes"
LICENSES = "/usr/share/common-licenses"
PYTHON_DOCS = "/usr/share/doc/python3*/html/_sources"
LARGEST_BYTES = 10_000_000
MAX_LENGTH = 280  # X's limit, which the bench's length function counts against
TRIES = 10
# Loads and generation are timed as medians of REPEATS runs at least, more while under
# REPEAT_SECONDS in all (see repeated).
REPEATS, REPEAT_SECONDS = 3, 1.0
# Ratios aviary / markovify that must not be passed (issue 19).
TARGETS = {"load_s": 0.05, "build_s": 0.25, "engine_mb": 0.25, "model_mb": 0.25, "generate_s": 0.1}
# How much aviary's time per sentence may grow from the smallest corpus to the largest (less).
GROWTH_TARGET = 1.5
ROWS = (
    "build_s",
    "build_cpu_s",
    "dump_s",
    "load_s",
    "generate_s",
    "model_mb",
    "peak_mb",
    "engine_mb",
    "failed",
)
# The interpreter's own peak: a child that imports nothing reads its own status.
BASELINE_CODE = (
    "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0])"
)


def peak_mb() -> float:
    """This process's peak resident memory (Linux's VmHWM, not ru_maxrss: across exec the
    kernel carries the parent's peak into ru_maxrss, so a child of a large parent would look
    at least as large)."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def build(engine: str, corpus_path: str, dump_path: str) -> dict:
    """In a child: build a model of the corpus and store it. Each engine reads the file as it
    takes a text: markovify as str, aviary as the UTF-8 bytes the file holds (a str of a text
    holding one emoji takes 4 bytes a character). The peak memory is that of the first build
    and its storing; the build time is the median of that build and more while under
    REPEAT_SECONDS in all (a build of the smallest corpus takes a few hundredths of a second,
    which a moment's load could double)."""
    options = {"mode": "rb"} if engine == "aviary" else {"encoding": "utf-8"}
    with open(corpus_path, **options) as handle:
        text = handle.read()
    if engine == "markovify":
        import markovify

        def make():
            return markovify.Text(text)
    else:
        from corpora.markov import MarkovModel

        def make():
            return MarkovModel.build(text)

    # Each build timed by the wall clock (the target's) and by the process's CPU time, which
    # leaves out the time spent waiting for a core that other work on the machine holds.
    walls, cpus, figures = [], [], {}
    while not walls or (sum(walls) < REPEAT_SECONDS and len(walls) < 20):
        model = None  # the last build freed first, as a lone build would find memory
        started, cpu = time.perf_counter(), time.process_time()
        model = make()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        if not figures:
            built = time.perf_counter()
            data = model.to_json().encode() if engine == "markovify" else model.to_bytes()
            dumped = time.perf_counter()
            with open(dump_path, "wb") as handle:
                handle.write(data)
            figures = {"dump_s": dumped - built, "model_mb": len(data) / 1e6}
            figures["peak_mb"] = peak_mb()
            del data
    import statistics

    figures["build_s"], figures["build_cpu_s"] = map(statistics.median, (walls, cpus))
    return figures


def use(engine: str, dump_path: str, sentences: int) -> dict:
    """In a child: load the stored model, then write sentences of X's weighted length. Both
    are timed as the median of several repetitions (see repeated), the same job each time."""
    import random

    with open(dump_path, "rb") as handle:
        data = handle.read()
    from platforms.x.text import weighted_length

    if engine == "markovify":
        import markovify

        load_s, model = repeated(lambda: markovify.Text.from_json(data.decode()))

        def write():
            random.seed(1)
            return [markovify_sentence(model, weighted_length) for _ in range(sentences)]
    else:
        from corpora.markov import MarkovModel

        load_s, model = repeated(lambda: MarkovModel.from_bytes(data))

        def write():
            rng = random.Random(1)
            return [
                model.sentence(max_length=MAX_LENGTH, tries=TRIES, rng=rng, length=weighted_length)
                for _ in range(sentences)
            ]

    generate_s, made = repeated(write)
    failed = sum(sentence is None for sentence in made)
    return {
        "load_s": load_s,
        "generate_s": generate_s,
        "failed": failed,
        "per_sentence_ms": 1000 * generate_s / max(1, sentences - failed),
    }


def repeated(job, least: int = REPEATS, seconds: float = REPEAT_SECONDS):
    """(median time, last result) of ``job`` run at least ``least`` times and for at least
    ``seconds`` in all (at most 20 times): a fast job, whose one timing a moment's load on
    the machine can double, is timed many times, a slow one only ``least`` times."""
    import statistics

    times, result = [], None
    while len(times) < least or (sum(times) < seconds and len(times) < 20):
        result = None  # the last run's result freed first, as a lone run would find memory
        started = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def markovify_sentence(model, length):
    """markovify's make_sentence, one walk per try, with the length tested as aviary does:
    before the (costlier) originality test, with markovify's own default overlap limits."""
    for _ in range(TRIES):
        words = model.chain.walk()
        text = model.word_join(words)
        if length(text) <= MAX_LENGTH and model.test_sentence_output(words, 0.7, 15):
            return text
    return None


def corpora(scratch):
    """The three corpora, the larger two written to the scratch directory."""
    from pathlib import Path

    sherlock, fortunes, licenses = Path(SHERLOCK), Path(FORTUNES), Path(LICENSES)
    if not sherlock.is_file():
        sys.exit(f"{SHERLOCK} is missing: set BENCH_SHERLOCK to sherlock.txt's path.")
    if not fortunes.is_dir():
        sys.exit(f"{FORTUNES} is missing: apt-get install fortunes fortunes-min")
    docs = sorted(Path("/").glob(PYTHON_DOCS.lstrip("/")))
    if not docs:
        sys.exit(f"{PYTHON_DOCS} is missing: apt-get install python3-doc")
    texts = [sherlock.read_text(encoding="utf-8")]
    seen = set()
    for path in sorted(fortunes.iterdir()):
        real = path.resolve()
        if path.suffix in {".dat", ".u8"} or real in seen or not real.is_file():
            continue
        seen.add(real)
        raw = real.read_bytes().decode("utf-8", "replace")
        # A fortune file separates its entries with lines holding a single %.
        texts.append("\n\n".join(part.strip() for part in raw.split("\n%\n")))
    texts += [_read(p) for p in sorted(licenses.iterdir()) if p.is_file()]
    mix = "\n\n".join(texts)
    texts += [_read(p) for p in sorted(docs[-1].rglob("*.txt"))]
    largest = "\n\n".join(texts).encode()[:LARGEST_BYTES]
    largest = largest[: largest.rindex(b"\n\n")].decode()
    (scratch / "mix.txt").write_text(mix, encoding="utf-8")
    (scratch / "largest.txt").write_text(largest, encoding="utf-8")
    return [
        ("sherlock.txt", sherlock),
        ("3.5 MB mix", scratch / "mix.txt"),
        ("10 MB", scratch / "largest.txt"),
    ]


def _read(path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def child(*args, env: dict):
    """Run a child; what it printed last, read as a Python literal."""
    import ast
    import subprocess

    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"bench child failed: {done.stderr[-2000:]}")
    return ast.literal_eval(done.stdout.splitlines()[-1])


def child_env(scratch) -> dict:
    """The children's environment: bytecode written beside the sources even where
    PYTHONDONTWRITEBYTECODE is set (as an installed package's is), filled by one untimed run
    of each engine. (A PYTHONPYCACHEPREFIX would not do: it recompiles the standard library
    too, and its modules then take more memory than those in the library's own cache.)"""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    warm_up = scratch / "warm-up.txt"
    with open(SHERLOCK, encoding="utf-8") as handle:
        warm_up.write_text(handle.read(20_000), encoding="utf-8")
    for engine in ("markovify", "aviary"):
        dump = str(scratch / f"{engine}.model")
        child("-m", "bench.markov", "--build", engine, str(warm_up), dump, env=env)
        child("-m", "bench.markov", "--use", engine, dump, "5", env=env)
    return env


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--build"]:  # a child: no argparse, whose imports would count
        print(repr(build(*argv[1:4])))
        return 0
    if argv[:1] == ["--use"]:
        print(repr(use(argv[1], argv[2], int(argv[3]))))
        return 0
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="runs of each engine (median)")
    args = parser.parse_args(argv)
    try:
        import markovify
    except ImportError:
        sys.exit("markovify is missing: pip install -r requirements-dev.txt (markovify==0.9.4)")
    if markovify.__version__ != "0.9.4":
        sys.exit(f"markovify {markovify.__version__} found; the targets are against 0.9.4.")

    import tempfile

    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        env = child_env(scratch)
        baseline = float(child("-c", BASELINE_CODE, env=env)) / 1024
        print(f"Interpreter baseline (a child that imports nothing): {baseline:.1f} MB peak")
        named = corpora(scratch)
        runs = {label: {"markovify": [], "aviary": []} for label, _ in named}
        # Each run goes through every corpus, so that the machine's drift over the minutes a
        # bench takes falls on all of them alike: the growth compares two of them.
        for run in range(args.runs):
            for label, path in named:
                # The engines take turns build by build and use by use, in the order ABBA
                # (then BAAB), so that load on the machine falls on both alike.
                order = list(runs[label]) if run % 2 == 0 else list(runs[label])[::-1]
                figures = {}
                for engine in order:
                    dump = str(scratch / f"{engine}.model")
                    built = child("-m", "bench.markov", "--build", engine, str(path), dump, env=env)
                    built["engine_mb"] = built["peak_mb"] - baseline
                    figures[engine] = built
                for engine in order[::-1]:
                    dump = str(scratch / f"{engine}.model")
                    use_args = ("--use", engine, dump, str(args.sentences))
                    figures[engine].update(child("-m", "bench.markov", *use_args, env=env))
                for engine, found in runs[label].items():
                    found.append(figures[engine])
        held = []
        for label, path in named:
            held += report(label, path, runs[label], args)
    held.append(report_growth(runs))
    print("\nAll targets held." if all(held) else "\nSome targets were missed.")
    return 0 if all(held) else 1


def report(label: str, path, runs: dict, args) -> list[bool]:
    size = path.stat().st_size / 1e6
    print(
        f"\n{label} ({size:.2f} MB): {args.sentences} sentences of <= {MAX_LENGTH} by X's"
        f" weighted length, {TRIES} tries each; median of {args.runs} runs"
    )
    print(f"{'':14} {'markovify':>10} {'aviary':>10} {'ratio':>8} {'ratio range':>13}  target")
    held = []
    for key in ROWS:
        theirs, ours = median(runs["markovify"], key), median(runs["aviary"], key)
        each = [
            ratio(a[key], m[key]) for a, m in zip(runs["aviary"], runs["markovify"], strict=True)
        ]
        line = f"{key:14} {theirs:10.3f} {ours:10.3f} {ratio(ours, theirs):8.3f}"
        line += f" {min(each):6.3f}-{max(each):.3f}"
        if key in TARGETS:
            held.append(ratio(ours, theirs) <= TARGETS[key])
            line += f"  <= {TARGETS[key]}: {'held' if held[-1] else 'MISSED'}"
        print(line)
    return held


def report_growth(runs: dict) -> bool:
    """Per-sentence time at the largest corpus over that at the smallest: the ratio of their
    medians over runs, and its range over the runs one by one."""
    per_sentence = {
        label: {engine: median(found, "per_sentence_ms") for engine, found in by_engine.items()}
        for label, by_engine in runs.items()
    }
    first, last = next(iter(runs)), list(runs)[-1]
    smallest, largest = per_sentence[first], per_sentence[last]
    print("\nTime per sentence made (ms):")
    for label, times in per_sentence.items():
        print(f"  {label:14} markovify {times['markovify']:7.3f}  aviary {times['aviary']:7.3f}")
    growth = {engine: largest[engine] / smallest[engine] for engine in smallest}
    each = [
        big["per_sentence_ms"] / small["per_sentence_ms"]
        for small, big in zip(runs[first]["aviary"], runs[last]["aviary"], strict=True)
    ]
    held = growth["aviary"] < GROWTH_TARGET
    print(
        f"Growth from 0.6 MB to 10 MB: aviary {growth['aviary']:.2f}x (each run "
        f"{min(each):.2f}-{max(each):.2f}x; markovify {growth['markovify']:.2f}x)  "
        f"< {GROWTH_TARGET}x: {'held' if held else 'MISSED'}"
    )
    return held


def median(runs: list[dict], key: str) -> float:
    import statistics

    return statistics.median(run[key] for run in runs)


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf") if ours else 1.0


if __name__ == "__main__":
    sys.exit(main())
