"""The one way views fetch a corpus a user may act on: anything else is a 404."""

from django.shortcuts import get_object_or_404

from corpora.models import Corpus


def corpus_for_user(user, pk) -> Corpus:
    return get_object_or_404(Corpus.objects.visible_to(user), pk=pk)
