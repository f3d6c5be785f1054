"""The engine's command line: ``python -m corpora.markov --corpus FILE``."""

import sys

from corpora.markov.model import main

sys.exit(main())
