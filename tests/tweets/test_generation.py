"""Generated text that cannot spam: a corpus's @handles are neutralised and its links dropped
(unless the bot says otherwise), and drafts holding a blocked word (wordfilter's list or the
bot's own) are thrown away, with the count in the generation job's message."""

import random

import pytest

from platforms import rules_for
from platforms.x.handles import mentioned_handles
from tests.factories import make_tweet
from tests.integration.world import ready_corpus_for
from tweets.drafting import generate_drafts, run_generation_job
from tweets.generation import generate_texts
from tweets.models import GenerationJob
from tweets.services import regenerate_tweet

pytestmark = pytest.mark.django_db

ARCHIVE = " ".join(
    f"Holmes told @watson_{n} to read https://example.com/case/{n} before the {place} "
    f"closed. @lestrade_{n} said the {place} was www.example.org/{n} all along."
    for n, place in enumerate(["inn", "bank", "dock", "mill", "shop", "yard", "hall"] * 4)
)


def test_handles_and_links_copied_from_a_corpus_are_neutralised_and_dropped(bot):
    ready_corpus_for(bot, text=ARCHIVE)

    generated = generate_texts(bot, count=5, rng=random.Random(1))

    assert len(generated.texts) == 5
    for text in generated.texts:
        assert mentioned_handles(text) == [], text
        assert not rules_for(bot).has_url(text), text
        assert "  " not in text and text == text.strip()
    assert any("watson_" in text or "lestrade_" in text for text in generated.texts), (
        "the name stays, without its @"
    )


def test_a_bot_may_keep_the_handles_and_links_of_its_corpus(bot):
    bot.clean_generated_text = False
    bot.save()
    ready_corpus_for(bot, text=ARCHIVE)

    generated = generate_texts(bot, count=5, rng=random.Random(1))

    assert any(mentioned_handles(text) for text in generated.texts)
    assert any(rules_for(bot).has_url(text) for text in generated.texts)


def waiting_corpus(called_it_a_place_for: str) -> str:
    """Sixteen porters, clerks and the like waiting by gates and doors, in three sentences
    each: enough to mix, the third ending in `called_it_a_place_for`."""
    return " ".join(
        f"The {noun} waited by the {place} for Moriarty to pass. "
        f"The {noun} waited by the {place} for the rain to stop. "
        f"The {noun} called the {place} a place for {called_it_a_place_for}."
        for noun in ["clerk", "groom", "cabman", "porter"]
        for place in ["gate", "door", "stair", "lamp"]
    )


MIXED = waiting_corpus("an idiot")


def test_drafts_with_a_blocked_word_are_thrown_away_and_counted(bot):
    bot.blocked_words = ["moriarty"]
    bot.save()
    ready_corpus_for(bot, text=MIXED)

    drafts = generate_drafts(bot, count=4, rng=random.Random(3))
    activity = bot.activity.get(action="tweet.generated")

    assert drafts
    for draft in drafts:
        assert "moriarty" not in draft.text.lower()
        assert "idiot" not in draft.text.lower(), "wordfilter's own list counts too"
    assert activity.details["blocked"] > 0
    assert f"{activity.details['blocked']} that held a blocked word." in activity.message


def test_a_generation_job_says_how_many_drafts_held_a_blocked_word(bot):
    bot.blocked_words = ["lamp", "gate", "door", "stair"]
    bot.save()
    ready_corpus_for(bot, text=MIXED)
    job = GenerationJob.objects.create(bot=bot, count=2)

    job = run_generation_job(job)

    assert (job.state, job.created_count) == (GenerationJob.State.DONE, 0)
    assert "Only 0 of 2 drafts could be written" in job.error
    assert "that held a blocked word." in job.error
    assert "Threw away " in job.error


def test_a_replys_address_begins_each_text_within_the_length_left(bot):
    ready_corpus_for(bot, text=MIXED)
    address = "@" + "a" * 200 + " "
    rules = rules_for(bot)

    texts = generate_texts(bot, count=3, rng=random.Random(2), address=address).texts

    assert texts
    for text in texts:
        assert text.startswith(address) and len(text) > len(address)
        assert rules.weighted_length(text) <= rules.max_length


# Nothing in it is a blocked word: every sentence regenerate_tweet samples (its own random
# seed) may be kept. (MIXED's "idiot" threw away all five tries of one run in 25.)
UNBLOCKED = waiting_corpus("a walk")


def test_a_regenerated_reply_keeps_the_address_it_begins_with(bot):
    ready_corpus_for(bot, text=UNBLOCKED)
    draft = make_tweet(
        bot=bot, text="@sky@bsky.brid.gy The clerk waited.", in_reply_to_post_id="42"
    )

    regenerate_tweet(draft)

    draft.refresh_from_db()
    assert draft.text.startswith("@sky@bsky.brid.gy ")
    assert draft.text != "@sky@bsky.brid.gy The clerk waited."
