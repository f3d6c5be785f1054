"""A light Markov text engine: new sentences in the voice of a corpus, with no Django.

``MarkovModel.build(text)`` compiles a corpus, ``model.sentence(rng=...)`` writes a sentence,
``to_bytes()``/``from_bytes()`` store the model; ``python -m corpora.markov --help`` runs it.

The model is the corpus itself as an array of word ids plus a k-gram index: every position of
the corpus, sorted by the state_size words that start there, so each state owns one run of
occurrences. Choosing a uniform occurrence of the current state and reading the word after it
(or before it, to grow a sentence backwards from a seed) samples exactly the chain markovify
counts, and the same index finds verbatim copies of the corpus without scanning its text.

Its parts: ``splitting`` (where sentences end), ``index`` (word ids and the k-gram index),
``model`` (MarkovModel and its walks), ``storage`` (the stored form) and ``__main__`` (the CLI).
"""

from corpora.markov.model import CorpusTooSmall, MarkovModel, UnknownWord
from corpora.markov.splitting import split_sentences
from corpora.markov.storage import OutdatedModel

__all__ = ["CorpusTooSmall", "MarkovModel", "OutdatedModel", "UnknownWord", "split_sentences"]
