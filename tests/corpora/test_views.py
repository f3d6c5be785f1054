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
    response = logged_in.post(
        reverse("corpora:add_file", args=[my_corpus.pk]), {"file": upload}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in response.content.decode()
    assert message in response.content.decode()
    assert my_corpus.sources.count() == 0


def test_upload_over_the_limit_is_refused_without_storing(logged_in, my_corpus, settings):
    settings.CORPUS_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"word " * 1000, content_type="text/plain")
    response = logged_in.post(
        reverse("corpora:add_file", args=[my_corpus.pk]), {"file": upload}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in response.content.decode()
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


def test_the_preview_shows_sample_sentences_and_seeded_ones(logged_in, my_corpus):
    from corpora.services import build_corpus_model
    from tests.integration.world import DEMO_TEXT

    my_corpus.sources.create(kind="text", text=DEMO_TEXT.read_text()[:100_000], size=100_000)
    build_corpus_model(my_corpus)
    url = reverse("corpora:preview", args=[my_corpus.pk])

    plain = logged_in.get(url, {"count": 3}, HTTP_HX_REQUEST="true").content.decode()
    seeded = logged_in.get(url, {"count": 2, "seed": "Holmes"}).content.decode()
    absent = logged_in.get(url, {"count": 2, "seed": "zeppelin"}, HTTP_HX_REQUEST="true")

    assert plain.count("<li>") == 3
    assert "Preview" in seeded and seeded.count("Holmes") >= 2
    assert "zeppelin" in absent.content.decode() and absent.status_code == 200


def test_the_preview_of_a_corpus_not_ready_says_so(logged_in, my_corpus):
    url = reverse("corpora:preview", args=[my_corpus.pk])

    response = logged_in.get(url, {"count": 3}, HTTP_HX_REQUEST="true")
    too_many = logged_in.get(url, {"count": 99}, HTTP_HX_REQUEST="true")

    assert "is not ready" in response.content.decode()
    assert "Ask for 1 to 20 sentences." in too_many.content.decode()


def test_creating_a_corpus_logs_who_created_it(logged_in, owner):
    logged_in.post(reverse("corpora:list"), {"name": "Sea shanties", "state_size": 3})
    corpus = Corpus.objects.get(name="Sea shanties")
    assert (corpus.state_size, corpus.created_by) == (3, owner)
    entry = corpus.activity.get()
    assert (entry.action, entry.actor) == ("corpus.created", owner)


def test_a_source_is_removed_only_once_the_person_confirms(logged_in, my_corpus):
    logged_in.post(
        reverse("corpora:add_text", args=[my_corpus.pk]),
        {"name": "notes", "text": "The tide came in. The gulls cried out."},
    )
    source = my_corpus.sources.get()
    url = reverse("corpora:remove_source", args=[my_corpus.pk, source.pk])

    asked = logged_in.post(url, follow=True)
    assert "Remove “notes”" in asked.content.decode()
    assert my_corpus.sources.exists()

    logged_in.post(url, {"confirmed": "yes"})
    assert not my_corpus.sources.exists()


def test_an_upload_error_is_shown_once(logged_in, my_corpus):
    upload = SimpleUploadedFile("corpus.txt", b"\x00\xff\x00\xfe" * 1000)

    response = logged_in.post(
        reverse("corpora:add_file", args=[my_corpus.pk]), {"file": upload}, follow=True
    )

    html = response.content.decode()
    assert html.count("binary") == 1
    assert '<a href="#add-file">the form</a>' in html
    assert logged_in.get(response.redirect_chain[-1][0]).status_code == 200
