"""Tweet length against a linear baseline: `python -m bench.text [--max-units 40000]`.

For each pathological text (the dotted runs that made twitter-text's URL expression backtrack,
and ordinary prose), at sizes doubling up to --max-units UTF-16 code units: the time
platforms.x.text.weighted_length takes, the time of a linear baseline over the same text (NFC
normalisation and one pass of a character class, which counting does anyway), and their
ratio. Linear counting keeps the ratio about flat as the text grows; a quadratic one doubles
it at each step. Exit status 1 when a ratio grows more than 2.5 times from the first size to
the last (run by hand; not part of `make test`).
"""

import argparse
import re
import sys
import time
import unicodedata

from platforms.x.text import weighted_length

TEXTS = {
    '"a."': "a.",
    '"é."': "é.",
    '"U.S."': "U.S.",
    '"の."': "の.",
    "labels": "ab.cd.ef.",
    "path": "https://example.com/(a",
    "prose": "Meet us at the harbour tonight, see example.com for more. ",
}
BASELINE = re.compile(r"[\w.]")


def best_of(runs: int, function, text: str) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def baseline(text: str) -> int:
    return len(BASELINE.findall(unicodedata.normalize("NFC", text)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-units", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    sizes = []
    size = 1_250
    while size <= options.max_units:
        sizes.append(size)
        size *= 2
    print(f"{'text':<8} {'units':>7} {'ours ms':>9} {'base ms':>9} {'ratio':>7}")
    held = True
    for name, piece in TEXTS.items():
        ratios = []
        for units in sizes:
            text = piece * (units // len(piece))
            ours = best_of(options.runs, weighted_length, text)
            base = best_of(options.runs, baseline, text)
            ratios.append(ours / base)
            print(
                f"{name:<8} {len(text):>7} {ours * 1e3:>9.2f} {base * 1e3:>9.2f} {ratios[-1]:>7.1f}"
            )
        growth = ratios[-1] / ratios[0]
        print(f"{name:<8} ratio grew {growth:.2f}x from {sizes[0]} to {sizes[-1]} units\n")
        held = held and growth <= 2.5
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
