"""Novelty: drafts that repeat or nearly repeat the bot's posts, its waiting drafts or each
other are thrown away before they reach the review queue; on X, nor may a text repeat what
another bot of the site posted lately or has queued."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from platforms import client_for
from tests.conftest import SECRETS
from tests.factories import make_bot, make_tweet
from tests.integration.world import ready_corpus_for
from tweets import posting
from tweets.generation import generate_texts
from tweets.models import Tweet
from tweets.novelty import NoveltyIndex, flock_repeats, index_for, shingles
from tweets.services import InvalidText, approve_tweet, edit_tweet
from xsandbox.accounts import credentials_of

NOW = timezone.now

pytestmark = pytest.mark.django_db


def test_it_compares_texts_as_normalised_word_pairs():
    assert shingles("The  Door, at LAST!") == {"the door", "door at", "at last"}
    assert shingles("Hello.") == {"hello"}
    # Links as X sees them (twitter-text: .example is no top-level domain, so no link).
    assert shingles("see https://a.example.com/x now") == shingles(
        "see https://b.example.org/y now"
    )


def test_it_refuses_a_repeat_and_a_near_repeat_but_not_a_new_sentence():
    index = NoveltyIndex(["The night was dark and the wind howled."], threshold=0.7)

    assert not index.admit("The night was dark and the wind howled!")
    assert not index.admit("the night was dark and the wind howled outside.")
    assert index.admit("The door opened and Holmes walked in.")


def test_a_batch_cannot_repeat_itself():
    index = NoveltyIndex([], threshold=0.7)

    assert index.admit("A brand new sentence about the sea.")
    assert not index.admit("A brand new sentence about the sea.")


def test_it_reads_recent_posts_and_waiting_tweets_but_not_old_or_rejected_ones(bot):
    long_ago = timezone.now() - timedelta(days=90)
    make_tweet(bot=bot, text="Posted yesterday.", state="posted", posted_at=timezone.now())
    make_tweet(bot=bot, text="Posted long ago here.", state="posted", posted_at=long_ago)
    make_tweet(bot=bot, text="A draft waiting here.", state="draft")
    make_tweet(bot=bot, text="Rejected text right here.", state="rejected")

    index = index_for(bot)

    assert index.similarity("Posted yesterday.") == 1.0
    assert index.similarity("A draft waiting here.") == 1.0
    assert index.similarity("Posted long ago here.") == 0.0
    assert index.similarity("Rejected text right here.") == 0.0


def test_generation_discards_what_the_bot_already_said(bot):
    ready_corpus_for(bot)
    first = generate_texts(bot, count=3, rng=random.Random(1))
    for text in first.texts:
        make_tweet(bot=bot, text=text, state="posted", posted_at=timezone.now())

    # The same random stream proposes the same three sentences first: all thrown away.
    again = generate_texts(bot, count=3, rng=random.Random(1))

    assert len(first.texts) == len(again.texts) == 3
    assert not set(first.texts) & set(again.texts)
    assert again.repeats >= 3


def test_waiting_drafts_never_crowd_the_bots_posts_out_of_the_index(bot):
    make_tweet(bot=bot, text="The one post the bot made.", state="posted", posted_at=timezone.now())
    drafts = [f"Draft number {n} waits in the queue." for n in range(50)]
    Tweet.objects.bulk_create(Tweet(bot=bot, text=text) for text in drafts)

    index = index_for(bot)

    assert index.similarity("The one post the bot made.") == 1.0
    assert index.similarity("Draft number 0 waits in the queue.") == 1.0, "every draft counts"


def test_an_edited_text_is_compared_by_its_new_words(bot):
    tweet = make_tweet(bot=bot, text="The old words of this draft.", state="draft")
    index_for(bot)

    edit_tweet(tweet, text="Entirely fresh wording arrives now.")
    index = index_for(bot)

    assert index.similarity("The old words of this draft.") == 0.0
    assert index.similarity("Entirely fresh wording arrives now.") == 1.0


def test_a_check_costs_the_same_queries_however_long_the_history(bot, django_assert_num_queries):
    now = timezone.now()
    Tweet.objects.bulk_create(
        Tweet(bot=bot, text=f"Post {n}: the band, again.", state="posted", posted_at=now)
        for n in range(500)
    )
    index = index_for(bot)

    # The tweets sharing enough of its pairs, then which of them are recent or waiting.
    with django_assert_num_queries(2):
        assert index.similarity("Post 7: the band, again.") == 1.0
    # One lookup for texts not indexed yet (none), one for the draft's word pairs.
    with django_assert_num_queries(2):
        assert index_for(bot).admit("Something else entirely, at last.")


def test_texts_too_short_or_too_long_to_be_alike_are_passed_over_yet_a_match_is_exact(bot):
    make_tweet(bot=bot, text="one two three four five six", state="draft")

    index = index_for(bot)

    assert index.similarity("one two three four five six seven") == 5 / 6
    assert index.similarity("one two") == 0.0, "a pair count of 1 against 5 cannot reach 0.7"


# No identical content across the flock on X -----------------------------------------------


@pytest.fixture
def other_bot(owner, credential_keys):
    return make_bot(name="Almanac", owners=[owner], credentials=SECRETS)


def test_a_draft_is_compared_with_the_posts_and_queue_of_every_x_bot_but_not_their_drafts(
    bot, other_bot
):
    make_tweet(bot=other_bot, text="The lamp was lit at dusk.", state="posted", posted_at=NOW())
    make_tweet(bot=other_bot, text="A queued line for tonight.", state="approved")
    make_tweet(bot=other_bot, text="Only a draft of the other.", state="draft")

    index = index_for(bot)

    assert index.similarity("The lamp was lit at dusk.") == 1.0
    assert index.similarity("A queued line for tonight.") == 1.0
    assert index.similarity("Only a draft of the other.") == 0.0


def test_identical_text_across_two_x_bots_is_refused_at_approval_naming_the_other_bot(
    bot, other_bot, owner
):
    posted = make_tweet(
        bot=other_bot, text="The tide comes in twice a day.", state="posted", posted_at=NOW()
    )
    draft = make_tweet(bot=bot, text="The tide comes in twice a day!")
    fresh = make_tweet(bot=bot, text="Nothing like the other bot's words.")

    with pytest.raises(InvalidText, match=f"tweet {posted.pk} of Almanac"):
        approve_tweet(draft, by=owner)
    approve_tweet(fresh, by=owner)

    draft.refresh_from_db()
    assert draft.state == Tweet.State.DRAFT
    assert Tweet.objects.get(pk=fresh.pk).state == Tweet.State.APPROVED


def test_the_composer_is_warned_before_the_same_text_goes_to_two_x_bots(bot, other_bot):
    (repeat,) = flock_repeats("One text for the whole flock.", bots=[bot, other_bot])

    assert (repeat.bot, repeat.other, repeat.tweet_id) == (other_bot, bot, None)
    assert "X does not allow identical content across several accounts" in repeat.reason()
    assert flock_repeats("One text for the whole flock.", bots=[bot]) == []


def test_a_flock_wide_check_costs_the_same_queries_however_long_the_histories(
    bot, other_bot, django_assert_num_queries
):
    Tweet.objects.bulk_create(
        Tweet(
            bot=owner_bot,
            text=f"Post {n} of {owner_bot.name}: the band.",
            state="posted",
            posted_at=NOW(),
        )
        for owner_bot in (bot, other_bot)
        for n in range(300)
    )
    index = index_for(bot)

    with django_assert_num_queries(2):
        assert index.similarity("Post 7 of Almanac: the band.") == 1.0
    with django_assert_num_queries(2):
        assert index_for(bot).admit("Something else entirely, at last.")


def test_identical_text_posted_by_another_x_bot_over_http_is_refused_at_approval(
    sandbox_bot, other_account, owner
):
    almanac = make_bot(
        name="Almanac",
        handle=other_account.handle,
        platform="sandbox",
        credentials=credentials_of(other_account),
    )
    first = make_tweet(bot=almanac, text="Fog over the harbour again.", state="approved")
    posting.post_claimed(posting.claim_next(almanac.pk))
    copy = make_tweet(bot=sandbox_bot, text="Fog over the harbour again.")

    with pytest.raises(InvalidText, match="of Almanac"):
        approve_tweet(copy, by=owner)

    assert Tweet.objects.get(pk=first.pk).state == Tweet.State.POSTED
    assert [post.text for post in client_for(almanac).recent_posts()] == [first.text]
    assert client_for(sandbox_bot).recent_posts() == []
