"""State changes of corpora: adding sources and compiling the Markov model.

Adding a source marks the corpus `building` and queues `corpora.tasks.build_corpus` after
the transaction commits; the build writes the compiled model to storage, named by checksum.
"""

import hashlib
import logging
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from corpora import sources
from corpora.markov import CorpusTooSmall, MarkovModel
from corpora.model_cache import corpus_model
from corpora.models import BotCorpus, Corpus, CorpusSource
from corpora.sampling import PREVIEW_ATTEMPTS_PER_TEXT, sample_sentences
from platforms.x import rules as x_rules

log = logging.getLogger(__name__)


def create_corpus(*, name: str, state_size: int, by) -> Corpus:
    """Start an empty corpus (rows written: Corpus, Activity `corpus.created`)."""
    with transaction.atomic():
        corpus = Corpus.objects.create(name=name, state_size=state_size, created_by=by)
        record_activity(
            "corpus.created",
            message=f"Created the corpus “{corpus}” ({state_size} words of context).",
            by=by,
            corpus=corpus,
        )
    return corpus


def add_text_source(corpus: Corpus, *, text: str, name: str = "", by=None) -> CorpusSource:
    """Add pasted text (rows written: CorpusSource; task queued: build_corpus)."""
    text = sources.normalise_text(text)
    if not text.strip():
        raise sources.SourceRejected("The text is empty.")
    return _add_source(
        corpus, kind=CorpusSource.Kind.TEXT, name=name or "Pasted text", text=text, by=by
    )


def add_file_source(corpus: Corpus, *, data: bytes, name: str, by=None) -> CorpusSource:
    """Add an uploaded text file, decoded to UTF-8 (raises SourceRejected with the reason)."""
    text = sources.decode_text(data, name=name or "The file")
    return _add_source(corpus, kind=CorpusSource.Kind.FILE, name=name, text=text, by=by)


def add_x_archive_source(
    corpus: Corpus,
    *,
    data: bytes,
    strip_links: bool = True,
    strip_mentions: bool = True,
    by=None,
) -> CorpusSource:
    """Add the account's own posts from an X archive's tweets.js."""
    text = sources.read_x_archive(data, strip_links=strip_links, strip_mentions=strip_mentions)
    return _add_source(corpus, kind=CorpusSource.Kind.X_ARCHIVE, name="X archive", text=text, by=by)


def remove_source(source: CorpusSource, *, by=None) -> None:
    corpus = source.corpus
    with transaction.atomic():
        record_activity(
            "corpus.source_removed", message=f"Removed the source “{source}”.", by=by, corpus=corpus
        )
        source.delete()
        request_build(corpus)


def _add_source(corpus, *, kind, name, text, by) -> CorpusSource:
    with transaction.atomic():
        source = CorpusSource.objects.create(
            corpus=corpus, kind=kind, name=name[:200], text=text, size=len(text.encode())
        )
        record_activity(
            "corpus.source_added",
            message=f"Added {source.get_kind_display().lower()} “{source}” "
            f"({len(text.split()):,} words).",
            by=by,
            corpus=corpus,
        )
        request_build(corpus)
    return source


def request_build(corpus: Corpus) -> None:
    """Mark the corpus building and queue its build once the transaction commits."""
    from corpora.tasks import build_corpus

    Corpus.objects.filter(pk=corpus.pk).update(
        status=Corpus.Status.BUILDING, status_detail="", updated_at=timezone.now()
    )
    corpus.status = Corpus.Status.BUILDING
    build_corpus.delay_on_commit(corpus.pk)


def corpus_text(corpus: Corpus) -> str:
    return "\n\n".join(corpus.sources.order_by("pk").values_list("text", flat=True))


def corpus_checksum(corpus: Corpus, text: str) -> str:
    digest = hashlib.sha256(f"markov-v1 state_size={corpus.state_size}\n".encode())
    digest.update(text.encode())
    return digest.hexdigest()


def build_corpus_model(corpus: Corpus, *, replace_stored: bool = False) -> bool:
    """Compile the corpus's model unless a ready model of the same text exists.

    1. Read the sources and their checksum; a ready model with that checksum is kept.
    2. Build and store the model under models/<checksum>.markov (a rebuild of the same text
       reuses the file).
    3. Record the result only if the sources did not change meanwhile (else the build queued
       by that change records its own).
    With ``replace_stored`` the model is built even if one is ready and the stored file is
    written again: for a stored model that no longer loads (an earlier engine's, or damaged).
    Returns True when a model was (re)built.
    """
    signature = _sources_signature(corpus)
    text = corpus_text(corpus)
    checksum = corpus_checksum(corpus, text)
    if corpus.status == Corpus.Status.READY and corpus.checksum == checksum and not replace_stored:
        return False
    if not text.strip():
        _record(corpus, signature, status=Corpus.Status.EMPTY, checksum="", model_file="")
        return False
    try:
        model = MarkovModel.build(text, state_size=corpus.state_size)
    except CorpusTooSmall as error:
        _record(
            corpus,
            signature,
            status=Corpus.Status.FAILED,
            status_detail=str(error),
            checksum="",
            model_file="",
        )
        return False
    path = f"models/{checksum}.markov"
    if replace_stored:
        default_storage.delete(path)
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(model.to_bytes()))
    _record(
        corpus,
        signature,
        status=Corpus.Status.READY,
        status_detail="",
        checksum=checksum,
        model_file=path,
        word_count=len(text.split()),
        sentence_count=model.sentence_count,
        built_at=timezone.now(),
    )
    return True


def _sources_signature(corpus: Corpus) -> list:
    return list(corpus.sources.order_by("pk").values_list("pk", "size"))


def _record(corpus: Corpus, signature: list, **fields) -> None:
    with transaction.atomic():
        current = Corpus.objects.select_for_update().get(pk=corpus.pk)
        if _sources_signature(current) != signature:
            log.info("Corpus %s changed during its build; the newer build records.", corpus.pk)
            return
        Corpus.objects.filter(pk=corpus.pk).update(updated_at=timezone.now(), **fields)
        status = fields.get("status")
        if status == Corpus.Status.READY:
            message = f"Built the model: {fields['sentence_count']:,} sentences."
        elif status == Corpus.Status.FAILED:
            message = f"The build failed: {fields['status_detail']}"
        else:
            return
        record_activity(f"corpus.{status}", message=message, actor="worker", corpus=corpus)


def link_corpus(corpus: Corpus, *, bot, weight: float, by=None) -> None:
    """Let the bot speak from this corpus with the given weight (0 mutes it)."""
    with transaction.atomic():
        BotCorpus.objects.update_or_create(bot=bot, corpus=corpus, defaults={"weight": weight})
        record_activity(
            "corpus.linked",
            message=f"{bot.name} speaks from “{corpus}” with weight {weight:g}.",
            by=by,
            bot=bot,
            corpus=corpus,
        )


def unlink_corpus(corpus: Corpus, *, bot, by=None) -> None:
    """The bot no longer speaks from this corpus (rows written: BotCorpus deleted, Activity
    `corpus.unlinked`)."""
    with transaction.atomic():
        deleted, _ = BotCorpus.objects.filter(bot=bot, corpus=corpus).delete()
        if deleted:
            record_activity(
                "corpus.unlinked",
                message=f"{bot.name} no longer speaks from “{corpus}”.",
                by=by,
                bot=bot,
                corpus=corpus,
            )


def change_corpus(corpus: Corpus, *, name: str, state_size: int, by=None) -> None:
    """Rename the corpus or change its words of context; a new state size rebuilds the model
    (rows written: Corpus, Activity `corpus.changed`; task queued: build_corpus)."""
    with transaction.atomic():
        before = Corpus.objects.select_for_update().get(pk=corpus.pk)
        changes = []
        if name != before.name:
            changes.append(f"name “{before.name}” → “{name}”")
        if state_size != before.state_size:
            changes.append(f"words of context {before.state_size} → {state_size}")
        if not changes:
            return
        Corpus.objects.filter(pk=corpus.pk).update(
            name=name, state_size=state_size, updated_at=timezone.now()
        )
        corpus.name, corpus.state_size = name, state_size
        record_activity(
            "corpus.changed", message=f"Changed {'; '.join(changes)}.", by=by, corpus=corpus
        )
        if state_size != before.state_size:
            request_build(corpus)


def preview_sentences(corpus: Corpus, *, count: int, seed: str = "", rng=None) -> list[str]:
    """Up to `count` sample sentences from the corpus's current model, as X counts length
    (a corpus has no network of its own, so X's rules stand for all), before any bot uses it
    (nothing saved). Raises NoModel when the corpus is not ready and
    UnknownWord when the seed word is not in it."""
    sampled = sample_sentences(
        corpus_model(corpus),
        count=count,
        seed=seed,
        max_length=x_rules.RULES.max_length,
        length=x_rules.RULES.weighted_length,
        rng=rng or random.Random(),
        attempts_per_text=PREVIEW_ATTEMPTS_PER_TEXT,
    )
    return sampled.texts
