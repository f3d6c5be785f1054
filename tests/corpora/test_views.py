"""The corpus pages: create, paste, upload and import, with clear refusals and no 500s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corpora.models import Corpus
from tests.factories import make_corpus


@pytest.fixture
def my_corpus(owner):
    return make_corpus(created_by=owner)


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_owner_creates_a_corpus(logged_in):
    response = logged_in.post(reverse("corpora:list"), {"name": "Sea shanties", "state_size": 2})
    corpus = Corpus.objects.get(name="Sea shanties")
    assert response.status_code == 302
    assert response["Location"] == reverse("corpora:detail", args=[corpus.pk])


def test_paste_text_adds_a_source(logged_in, my_corpus):
    response = logged_in.post(
        reverse("corpora:add_text", args=[my_corpus.pk]),
        {"name": "notes", "text": "The tide came in. The gulls cried out."},
    )
    assert response.status_code == 302
    assert my_corpus.sources.get().name == "notes"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\x00\xff\x00\xfe" * 1000, "binary"),
    ],
)
def test_bad_uploads_get_a_clear_message(logged_in, my_corpus, content, message):
    upload = SimpleUploadedFile("corpus.txt", content, content_type="text/plain")
    response = logged_in.post(reverse("corpora:add_file", args=[my_corpus.pk]), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert my_corpus.sources.count() == 0


def test_upload_over_the_limit_is_refused_without_storing(logged_in, my_corpus, settings):
    settings.CORPUS_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"word " * 1000, content_type="text/plain")
    response = logged_in.post(reverse("corpora:add_file", args=[my_corpus.pk]), {"file": upload})
    assert response.status_code == 400
    assert "larger than the 1000\xa0bytes limit" in response.content.decode()
    assert my_corpus.sources.count() == 0


def test_x_archive_import(logged_in, my_corpus):
    archive = b'window.YTD.tweets.part0 = [{"tweet": {"full_text": "Hello from the coast"}}]'
    upload = SimpleUploadedFile("tweets.js", archive)
    response = logged_in.post(
        reverse("corpora:add_x_archive", args=[my_corpus.pk]),
        {"file": upload, "strip_links": "on", "strip_mentions": "on"},
    )
    assert response.status_code == 302
    assert my_corpus.sources.get().text == "Hello from the coast."


def test_someone_elses_corpus_is_a_404(client, my_corpus, superuser, db):
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get(reverse("corpora:detail", args=[my_corpus.pk])).status_code == 404
    client.force_login(superuser)
    assert client.get(reverse("corpora:detail", args=[my_corpus.pk])).status_code == 200
