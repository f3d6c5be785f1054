"""Demo corpora for `make run`: The Adventures of Sherlock Holmes (public domain), in two
halves so the two demo bots speak a little differently."""

from pathlib import Path

from django.db import transaction

from corpora import services
from corpora.models import BotCorpus, Corpus, CorpusSource

DEMO_DIR = Path(__file__).resolve().parent / "texts"
DEMO_CORPORA = [
    ("Sherlock Holmes, adventures I to VI", "adventures-1-6.txt"),
    ("Sherlock Holmes, adventures VII to XII", "adventures-7-12.txt"),
]


def load_demo_corpora(bots, *, owner) -> list[Corpus]:
    """Give each demo bot its corpus, compiled now so drafts can be generated at once."""
    corpora = []
    for bot, (name, filename) in zip(bots, DEMO_CORPORA, strict=False):
        with transaction.atomic():
            corpus, created = Corpus.objects.get_or_create(
                name=name, defaults={"created_by": owner}
            )
            if created:
                text = (DEMO_DIR / filename).read_text(encoding="utf-8")
                CorpusSource.objects.create(
                    corpus=corpus,
                    kind=CorpusSource.Kind.FILE,
                    name=filename,
                    text=text,
                    size=len(text.encode()),
                )
            BotCorpus.objects.get_or_create(bot=bot, corpus=corpus)
        services.build_corpus_model(corpus)
        corpora.append(corpus)
    return corpora
