"""Compiled models kept in each worker's memory, keyed by the corpus checksums.

A model that has not changed is never rebuilt nor re-read: the key is the checksum of the
text it was built from, so an edited corpus simply misses the cache.
"""

import logging
from collections import OrderedDict
from threading import Lock

from django.core.files.storage import default_storage

from corpora.markov import MarkovModel
from corpora.models import BotCorpus, Corpus

MAX_MODELS = 16

log = logging.getLogger(__name__)

_models: OrderedDict[tuple, MarkovModel] = OrderedDict()
_lock = Lock()


class NoModel(Exception):
    """The bot has no ready corpus to speak from."""


def corpus_model(corpus: Corpus) -> MarkovModel:
    if corpus.status != Corpus.Status.READY or not corpus.model_file:
        raise NoModel(f"Corpus “{corpus.name}” is not ready ({corpus.get_status_display()}).")
    return _cached((corpus.checksum,), lambda: _load(corpus))


def bot_model(bot) -> MarkovModel:
    """The bot's voice: its ready corpora combined by weight."""
    links = list(
        BotCorpus.objects.filter(
            bot=bot, weight__gt=0, corpus__status=Corpus.Status.READY
        ).select_related("corpus")
    )
    if not links:
        raise NoModel(
            f"{bot.name} has no ready corpus to speak from: add one on its page, or wait "
            "for a corpus that is building."
        )
    sizes = sorted({link.corpus.state_size for link in links})
    if len(sizes) > 1:
        raise NoModel(
            f"{bot.name}'s corpora have different state sizes ({', '.join(map(str, sizes))}): "
            "corpora combined in one voice must share a state size."
        )
    if len(links) == 1:
        return corpus_model(links[0].corpus)
    key = tuple(sorted((link.corpus.checksum, link.weight) for link in links))
    return _cached(
        key,
        lambda: MarkovModel.combine([(corpus_model(link.corpus), link.weight) for link in links]),
    )


def _load(corpus: Corpus) -> MarkovModel:
    """The corpus's stored model; one that no longer loads is built again from the text.

    A model stored by an earlier engine (OutdatedModel) or damaged on disk is no reason to
    fail the person generating: the sources are still there, so the build service compiles
    them again and stores the new bytes, and later loads find those.
    """
    try:
        return _read(corpus.model_file.name)
    except ValueError as error:
        log.warning("Rebuilding the stored model of corpus %s: %s", corpus.pk, error)
    # Imported here because the services use this cache for their previews.
    from corpora.services import build_corpus_model

    build_corpus_model(corpus, replace_stored=True)
    corpus.refresh_from_db()
    if corpus.status != Corpus.Status.READY or not corpus.model_file:
        raise NoModel(f"Corpus “{corpus.name}” is not ready ({corpus.get_status_display()}).")
    return _read(corpus.model_file.name)


def _read(name: str) -> MarkovModel:
    with default_storage.open(name, "rb") as handle:
        return MarkovModel.from_bytes(handle.read())


def _cached(key: tuple, make) -> MarkovModel:
    with _lock:
        if key in _models:
            _models.move_to_end(key)
            return _models[key]
    model = make()
    with _lock:
        _models[key] = model
        while len(_models) > MAX_MODELS:
            _models.popitem(last=False)
    return model


def clear() -> None:
    with _lock:
        _models.clear()
