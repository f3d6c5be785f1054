"""The corpora admin: sources change only through the corpus page's services (which rebuild
the model and log it), a new corpus is created by the same service as on the site, and a
staff member sees only their own corpora's sources."""

import pytest
from django.urls import reverse

from activity.models import Activity
from corpora.models import BotCorpus, Corpus, CorpusSource
from tests.factories import make_bot, make_corpus, make_staff


@pytest.fixture
def staff(client, owner):
    make_staff(owner, Corpus, CorpusSource, BotCorpus)
    client.force_login(owner)
    return client


def test_inline_sources_are_read_only_on_the_corpus_page(staff, owner):
    corpus = make_corpus(text="The original words.", created_by=owner)
    source = corpus.sources.get()
    page = staff.get(reverse("admin:corpora_corpus_change", args=[corpus.pk]))
    html = page.content.decode()
    assert str(source) in html
    assert "The original words." not in html  # no text box to edit it in
    assert reverse("corpora:detail", args=[corpus.pk]) in html
    staff.post(
        reverse("admin:corpora_corpus_change", args=[corpus.pk]),
        {
            "name": corpus.name,
            "state_size": corpus.state_size,
            "sources-TOTAL_FORMS": 2,
            "sources-INITIAL_FORMS": 1,
            "sources-0-id": source.pk,
            "sources-0-corpus": corpus.pk,
            "sources-0-text": "Words slipped in without a rebuild.",
            "sources-0-DELETE": "on",
            "sources-1-kind": "text",
            "sources-1-text": "A new source without a rebuild.",
            "botcorpus_set-TOTAL_FORMS": 0,
            "botcorpus_set-INITIAL_FORMS": 0,
        },
    )
    assert list(corpus.sources.values_list("text", flat=True)) == ["The original words."]


def test_staff_cannot_add_or_edit_a_source_in_the_admin(staff, owner):
    source = make_corpus(text="The original words.", created_by=owner).sources.get()
    change = reverse("admin:corpora_corpussource_change", args=[source.pk])
    staff.post(change, {"name": "renamed", "text": "Other words entirely."})
    source.refresh_from_db()
    assert (source.name, source.text) == ("", "The original words.")
    assert staff.get(reverse("admin:corpora_corpussource_add")).status_code == 403


def test_deleting_a_source_in_the_admin_rebuilds_and_logs(
    staff, owner, django_capture_on_commit_callbacks
):
    corpus = make_corpus(text="The original words.", created_by=owner)
    source = corpus.sources.get()
    delete = reverse("admin:corpora_corpussource_delete", args=[source.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post(delete, {"post": "yes"})
    assert response.status_code == 302
    corpus.refresh_from_db()
    assert not corpus.sources.exists()
    assert corpus.status == Corpus.Status.BUILDING
    assert len(callbacks) == 1  # build_corpus, once the removal commits
    assert corpus.activity.filter(action="corpus.source_removed").exists()


def test_staff_sees_only_the_sources_of_their_own_corpora(staff, owner):
    make_corpus(name="Mine", text="Words.", created_by=owner).sources.update(name="my-notes")
    theirs = make_corpus(name="Theirs", text="Words.").sources.get()
    CorpusSource.objects.filter(pk=theirs.pk).update(name="their-notes")
    html = staff.get(reverse("admin:corpora_corpussource_changelist")).content.decode()
    assert "my-notes" in html
    assert "their-notes" not in html
    change = reverse("admin:corpora_corpussource_change", args=[theirs.pk])
    assert staff.get(change).status_code == 302


def test_adding_a_corpus_in_the_admin_goes_through_create_corpus(staff, owner):
    response = staff.post(
        reverse("admin:corpora_corpus_add"),
        {
            "name": "Sea shanties",
            "state_size": 2,
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "botcorpus_set-TOTAL_FORMS": 0,
            "botcorpus_set-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    corpus = Corpus.objects.get(name="Sea shanties")
    assert corpus.created_by == owner
    entry = Activity.objects.get(action="corpus.created")
    assert (entry.corpus, entry.actor) == (corpus, owner)


def test_changing_the_state_size_in_the_admin_rebuilds(
    staff, owner, django_capture_on_commit_callbacks
):
    corpus = make_corpus(name="Words", text="Some words here.", created_by=owner)
    with django_capture_on_commit_callbacks() as callbacks:
        staff.post(
            reverse("admin:corpora_corpus_change", args=[corpus.pk]),
            {
                "name": "Words",
                "state_size": 3,
                "sources-TOTAL_FORMS": 1,
                "sources-INITIAL_FORMS": 1,
                "botcorpus_set-TOTAL_FORMS": 0,
                "botcorpus_set-INITIAL_FORMS": 0,
            },
        )
    corpus.refresh_from_db()
    assert (corpus.state_size, corpus.status) == (3, Corpus.Status.BUILDING)
    assert len(callbacks) == 1


def inline_post(corpus, *rows, initial=0):
    data = {
        "name": corpus.name,
        "state_size": corpus.state_size,
        "sources-TOTAL_FORMS": corpus.sources.count(),
        "sources-INITIAL_FORMS": corpus.sources.count(),
        "botcorpus_set-TOTAL_FORMS": len(rows),
        "botcorpus_set-INITIAL_FORMS": initial,
    }
    for n, row in enumerate(rows):
        data.update({f"botcorpus_set-{n}-{key}": value for key, value in row.items()})
    return data


def test_the_corpus_inline_links_and_unlinks_through_the_services(staff, owner, bot):
    corpus = make_corpus(name="Words", text="Some words here.", created_by=owner)
    change = reverse("admin:corpora_corpus_change", args=[corpus.pk])
    staff.post(change, inline_post(corpus, {"bot": bot.pk, "weight": 2, "corpus": corpus.pk}))
    link = BotCorpus.objects.get(corpus=corpus)
    assert (link.bot, link.weight) == (bot, 2)
    row = {"id": link.pk, "bot": bot.pk, "weight": 2, "corpus": corpus.pk, "DELETE": "on"}
    staff.post(change, inline_post(corpus, row, initial=1))
    assert not BotCorpus.objects.filter(corpus=corpus).exists()
    actions = list(corpus.activity.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["corpus.linked", "corpus.unlinked"]


def test_the_corpus_inline_neither_lends_nor_touches_another_owners_bot(staff, owner, bot):
    corpus = make_corpus(name="Words", text="Some words here.", created_by=owner)
    theirs = make_bot(name="their-bot")
    theirs_link = BotCorpus.objects.create(bot=theirs, corpus=corpus, weight=3)
    change = reverse("admin:corpora_corpus_change", args=[corpus.pk])
    assert "their-bot" not in staff.get(change).content.decode()
    borrowed = make_corpus(name="Borrowed", text="Other words.", created_by=owner)
    staff.post(
        reverse("admin:corpora_corpus_change", args=[borrowed.pk]),
        inline_post(borrowed, {"bot": theirs.pk, "weight": 1, "corpus": borrowed.pk}),
    )
    assert not BotCorpus.objects.filter(corpus=borrowed).exists()
    row = {"id": theirs_link.pk, "bot": bot.pk, "weight": 1, "corpus": corpus.pk, "DELETE": "on"}
    staff.post(change, inline_post(corpus, row, initial=1))
    theirs_link.refresh_from_db()
    assert (theirs_link.bot, theirs_link.weight) == (theirs, 3)


def test_renaming_a_corpus_in_the_admin_is_logged(staff, owner):
    corpus = make_corpus(name="Words", text="Some words here.", created_by=owner)
    staff.post(
        reverse("admin:corpora_corpus_change", args=[corpus.pk]),
        {**inline_post(corpus), "name": "Better words"},
    )
    corpus.refresh_from_db()
    assert corpus.name == "Better words"
    assert corpus.status != Corpus.Status.BUILDING
    assert corpus.activity.filter(action="corpus.changed").exists()
