"""What a corpus tells the pages about its compiled model."""

from corpora.models import Corpus

Status = Corpus.Status


def test_each_status_question_answers_yes_for_its_own_status_only():
    assert [s for s in Status.values if Corpus(status=s).is_ready()] == [Status.READY]
    assert [s for s in Status.values if Corpus(status=s).is_building()] == [Status.BUILDING]
    assert [s for s in Status.values if Corpus(status=s).has_failed()] == [Status.FAILED]
