"""A light Markov text engine with no Django: ``MarkovModel.build(text)`` compiles a corpus,
``model.sentence(rng=...)`` writes a sentence; ``python -m corpora.markov --help`` runs it."""

from corpora.markov.model import CorpusTooSmall, MarkovModel, UnknownWord, split_sentences

__all__ = ["CorpusTooSmall", "MarkovModel", "UnknownWord", "split_sentences"]
