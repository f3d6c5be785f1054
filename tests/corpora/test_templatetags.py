"""The corpus status badge: colour and words for each status, the failure on hover."""

from corpora.models import Corpus
from corpora.templatetags.corpus_format import status_badge


def test_a_ready_corpus_gets_a_green_badge():
    assert status_badge(Corpus(status=Corpus.Status.READY)) == '<span class="badge ok">Ready</span>'


def test_a_building_corpus_says_so():
    assert status_badge(Corpus(status=Corpus.Status.BUILDING)) == (
        '<span class="badge">Building…</span>'
    )


def test_an_empty_corpus_says_it_has_no_text():
    assert status_badge(Corpus()) == '<span class="badge">No text yet</span>'


def test_a_failed_corpus_says_why_on_hover_escaped():
    corpus = Corpus(status=Corpus.Status.FAILED, status_detail='Too small: "one" <b>line</b>')
    assert status_badge(corpus) == (
        '<span class="badge bad" title="Too small: &quot;one&quot; &lt;b&gt;line&lt;/b&gt;">'
        "Failed</span>"
    )
