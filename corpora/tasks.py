"""Celery tasks for corpora: thin wrappers that load a row by id and call a service."""

from celery import shared_task

from corpora import services
from corpora.models import Corpus


@shared_task
def build_corpus(corpus_id: int) -> None:
    """Compile the corpus's Markov model (writes the model file and the corpus's status)."""
    corpus = Corpus.objects.filter(pk=corpus_id).first()
    if corpus is None:
        return
    try:
        services.build_corpus_model(corpus)
    except Exception as error:
        # The outer edge of the task: record why, so the page shows it instead of "building".
        Corpus.objects.filter(pk=corpus_id).update(
            status=Corpus.Status.FAILED,
            status_detail=f"The build stopped with an internal error ({type(error).__name__}).",
        )
        raise
