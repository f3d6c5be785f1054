"""The bot page's generation job: its progress box lists the drafts that job wrote."""

from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from corpora.models import BotCorpus
from corpora.services import build_corpus_model
from tests.factories import make_corpus, make_tweet
from tweets.drafting import run_generation_job
from tweets.models import GenerationJob

TEXT = (
    Path(__file__).resolve().parents[2] / "project" / "demo" / "texts" / "adventures-1-6.txt"
).read_text()[:40_000]


def test_a_jobs_page_shows_its_own_drafts_and_no_others_made_at_the_same_moment(client, owner, bot):
    corpus = make_corpus(text=TEXT)
    build_corpus_model(corpus)
    BotCorpus.objects.create(bot=bot, corpus=corpus)
    mine, other = (GenerationJob.objects.create(bot=bot, count=2) for _ in range(2))
    GenerationJob.objects.filter(pk__in=[mine.pk, other.pk]).update(created_at=timezone.now())
    run_generation_job(other)
    reply = make_tweet(bot=bot, text="A reply drafted meanwhile.", in_reply_to_post_id="5")
    run_generation_job(mine)
    assert mine.drafts.count() == other.drafts.count() == 2

    client.force_login(owner)
    html = client.get(reverse("bots:generation_job", args=[bot.pk, mine.pk])).content.decode()
    for draft in mine.drafts.all():
        assert draft.text in html
    for draft in [*other.drafts.all(), reply]:
        assert draft.text not in html
