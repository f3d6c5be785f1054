"""The Markov engine against markovify: `python -m bench.markov [--sentences 200]`.

Two corpora: ../shared/corpora/sherlock.txt, and a ~3.5 MB one (that file, Debian's
`fortunes` texts and /usr/share/common-licenses). For each engine, in processes of its own:
build time, 200 sentences of at most 280 characters, dump, load, the dumped model's bytes,
peak RSS, and failed sentences (None after the same number of tries). Each engine runs
--runs times (3), the engines taking turns so that machine noise falls on both; each figure
is the median of its runs, with the range of the ratios beside it. Prints the ratio
aviary / markovify; the targets are checked on the median and the exit status says if all
held. Install the fortunes with `apt-get install fortunes fortunes-min`.

Peak RSS is the child's whole peak, so the children import only what they use (what only
the parent needs is imported in its functions), and both engines' modules run from compiled
bytecode, as markovify's installed modules do anyway: the children share a bytecode cache in
the scratch directory, filled by one untimed import per engine, even where
PYTHONDONTWRITEBYTECODE is set (Python would otherwise compile our source in every child).
"""

import argparse
import json
import os
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHERLOCK = Path(
    os.environ.get("BENCH_SHERLOCK", ROOT.parent / "shared" / "corpora" / "sherlock.txt")
)
FORTUNES = Path("/usr/share/games/fortunes")
LICENSES = Path("/usr/share/common-licenses")
MAX_CHARS = 280
TRIES = 10
# What aviary must achieve, as aviary / markovify (time and size: at most; speed: inverse).
TARGETS = {"build_s": 0.5, "generate_s": 0.2, "load_s": 0.2, "peak_rss_mb": 0.5, "model_mb": 0.5}


def big_corpus() -> str:
    if not FORTUNES.is_dir():
        sys.exit(
            f"{FORTUNES} is missing: install Debian's fortunes (apt-get install fortunes "
            "fortunes-min) for the 3.5 MB corpus."
        )
    texts = [SHERLOCK.read_text(encoding="utf-8")]
    seen = set()
    for path in sorted(FORTUNES.iterdir()):
        real = path.resolve()
        if path.suffix in {".dat", ".u8"} or real in seen or not real.is_file():
            continue
        seen.add(real)
        raw = real.read_bytes().decode("utf-8", "replace")
        # A fortune file separates its entries with lines holding a single %.
        texts.append("\n\n".join(part.strip() for part in raw.split("\n%\n")))
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(LICENSES.iterdir())
        if p.is_file()
    ]
    return "\n\n".join(texts)


def measure(engine: str, corpus_path: str, dump_path: str, sentences: int) -> dict:
    """Run in a child process: build, generate, dump; report times and peak RSS."""
    text = Path(corpus_path).read_text(encoding="utf-8")
    rng = random.Random(1)
    if engine == "markovify":
        import markovify

        random.seed(1)
        baseline = _rss_mb()
        started = time.perf_counter()
        model = markovify.Text(text)
        built = time.perf_counter()
        made = [model.make_short_sentence(MAX_CHARS, tries=TRIES) for _ in range(sentences)]
        generated = time.perf_counter()
        data = model.to_json().encode()
    else:
        from corpora.markov import MarkovModel

        baseline = _rss_mb()
        started = time.perf_counter()
        model = MarkovModel.build(text)
        built = time.perf_counter()
        made = [
            model.sentence(max_length=MAX_CHARS, tries=TRIES, rng=rng, length=len)
            for _ in range(sentences)
        ]
        generated = time.perf_counter()
        data = model.to_bytes()
    dumped = time.perf_counter()
    Path(dump_path).write_bytes(data)
    return {
        "build_s": built - started,
        "generate_s": generated - built,
        "dump_s": dumped - generated,
        "model_mb": len(data) / 1e6,
        "failed": sum(sentence is None for sentence in made),
        "peak_rss_mb": _rss_mb(),
        # The same peak less the process as it stood before building (interpreter, engine
        # module, corpus text): the memory the engine's own work takes.
        "engine_rss_mb": _rss_mb() - baseline,
    }


def _rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not ru_maxrss: across exec the
    kernel carries the parent's peak into ru_maxrss, so every child of a parent holding the
    3.5 MB corpus would report at least the parent's size, whatever it did itself."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return int(re.search(r"^VmHWM:\s*(\d+) kB", status.read(), re.M)[1]) / 1024
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_load(engine: str, dump_path: str) -> dict:
    data = Path(dump_path).read_bytes()
    if engine == "markovify":
        import markovify

        started = time.perf_counter()
        markovify.Text.from_json(data.decode())
    else:
        from corpora.markov import MarkovModel

        started = time.perf_counter()
        MarkovModel.from_bytes(data)
    return {"load_s": time.perf_counter() - started}


def child(*args, env: dict) -> dict:
    import subprocess

    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"bench child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1]) if done.stdout else {}


def child_env(scratch: str) -> dict:
    """The children's environment: a bytecode cache of their own, written to even where
    PYTHONDONTWRITEBYTECODE is set, then filled by one untimed run of each engine (on a
    small corpus: what matters is that every module they use has been compiled once)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
    warm_up = Path(scratch) / "warm-up.txt"
    warm_up.write_text(SHERLOCK.read_text(encoding="utf-8")[:20_000], encoding="utf-8")
    for engine in ("markovify", "aviary"):
        dump = str(Path(scratch) / f"{engine}.model")
        child("-m", "bench.markov", "--child", engine, str(warm_up), dump, env=env)
        child("-m", "bench.markov", "--child-load", engine, dump, env=env)
    child("-c", "import numpy", env=env)  # aviary indexes large corpora with it
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="runs of each engine (median)")
    parser.add_argument(
        "--child", nargs=3, metavar=("ENGINE", "CORPUS", "DUMP"), help=argparse.SUPPRESS
    )
    parser.add_argument("--child-load", nargs=2, metavar=("ENGINE", "DUMP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(*args.child, args.sentences)))
        return 0
    if args.child_load:
        print(json.dumps(measure_load(*args.child_load)))
        return 0

    import statistics
    import tempfile

    all_held = True
    with tempfile.TemporaryDirectory() as scratch:
        env = child_env(scratch)
        big = Path(scratch) / "big.txt"
        big.write_text(big_corpus(), encoding="utf-8")
        for label, path in [("sherlock.txt", SHERLOCK), ("3.5 MB corpus", big)]:
            size = path.stat().st_size / 1e6
            runs = {"markovify": [], "aviary": []}
            for _ in range(args.runs):
                for engine, found in runs.items():
                    dump = str(Path(scratch) / f"{engine}.model")
                    found.append(
                        child(
                            *("-m", "bench.markov", "--child", engine, str(path), dump),
                            *("--sentences", str(args.sentences)),
                            env=env,
                        )
                    )
                    found[-1].update(
                        child("-m", "bench.markov", "--child-load", engine, dump, env=env)
                    )
            print(
                f"\n{label} ({size:.2f} MB), {args.sentences} sentences of <= {MAX_CHARS} chars,"
                f" median of {args.runs} runs"
            )
            print(
                f"{'':14} {'markovify':>10} {'aviary':>10} {'ratio':>8} {'ratio range':>13}  target"
            )
            for key in (
                "build_s",
                "generate_s",
                "dump_s",
                "load_s",
                "model_mb",
                "peak_rss_mb",
                "engine_rss_mb",
                "failed",
            ):
                theirs = statistics.median(run[key] for run in runs["markovify"])
                ours = statistics.median(run[key] for run in runs["aviary"])
                ratio = _ratio(ours, theirs)
                pairs = zip(runs["aviary"], runs["markovify"], strict=True)
                each = [_ratio(a[key], m[key]) for a, m in pairs]
                spread = f"{min(each):.3f}-{max(each):.3f}"
                if key == "failed":
                    held = ours <= theirs
                    target = "<= markovify"
                elif key in TARGETS:
                    held = ratio <= TARGETS[key]
                    target = f"<= {TARGETS[key]}" + (
                        f" ({1 / TARGETS[key]:.0f}x faster)" if key.endswith("_s") else ""
                    )
                else:
                    held, target = True, ""
                all_held &= held
                mark = "" if held else "  MISSED"
                figures = f"{theirs:10.3f} {ours:10.3f} {ratio:8.3f} {spread:>13}"
                print(f"{key:14} {figures}  {target}{mark}")
    print("\nAll targets held." if all_held else "\nSome targets were missed.")
    return 0 if all_held else 1


def _ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf") if ours else 1.0


if __name__ == "__main__":
    sys.exit(main())
