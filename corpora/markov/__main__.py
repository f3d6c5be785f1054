"""The engine's command line: ``python -m corpora.markov --corpus FILE`` prints sentences."""

import argparse
import sys

from corpora.markov.model import MarkovModel

# A person at the command line would rather wait a moment than get fewer sentences.
CLI_TRIES = 100


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m corpora.markov",
        description="Print sentences generated from a UTF-8 text corpus, one per line.",
        epilog="Exit status: 0 when all --count sentences were printed; 1 on an error (a "
        "missing, unreadable or non-UTF-8 corpus, one too small, an unknown seed) or when fewer "
        "sentences could be made (those made are printed, and stderr says how many).",
    )
    parser.add_argument("--corpus", required=True, metavar="FILE")
    parser.add_argument("--state-size", type=int, default=2, choices=range(1, 5))
    parser.add_argument("--count", type=_positive, default=1, metavar="N")
    parser.add_argument("--seed", metavar="WORD", help="a word every sentence contains")
    parser.add_argument("--max-length", type=_positive, default=280, metavar="N")
    parser.add_argument(
        "--tries", type=_positive, default=CLI_TRIES, metavar="N", help="walks per sentence"
    )
    args = parser.parse_args(argv)
    try:
        with open(args.corpus, "rb") as handle:  # the engine reads UTF-8 bytes as they are
            text = handle.read()
        model = MarkovModel.build(text, state_size=args.state_size)
        made = 0
        for _ in range(args.count):
            sentence = model.sentence(seed=args.seed, max_length=args.max_length, tries=args.tries)
            if sentence is not None:
                print(sentence)
                made += 1
    except UnicodeDecodeError as error:
        return _fail(f"{args.corpus} is not UTF-8 text (bad byte at offset {error.start}).")
    except OSError as error:
        return _fail(f"cannot read {args.corpus}: {error.strerror or error}.")
    except ValueError as error:  # CorpusTooSmall, UnknownWord
        return _fail(str(error))
    if made < args.count:
        return _fail(f"only {made} of {args.count} sentences could be made within the limits.")
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _fail(message: str) -> int:
    print(f"corpora.markov: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
