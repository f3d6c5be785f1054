"""The activity log's recording service and who may read which entries."""

import pytest

from activity.models import Activity
from activity.services import record_activity
from tests.factories import make_bot, make_corpus, make_tweet, make_user

pytestmark = pytest.mark.django_db


def test_it_names_the_person_who_acted_and_takes_the_bot_from_the_tweet(bot, owner):
    tweet = make_tweet(bot=bot)

    entry = record_activity("tweet.approved", message="Approved.", by=owner, tweet=tweet)

    assert (entry.actor, entry.actor_name, entry.bot_id) == (owner, owner.username, bot.pk)


def test_it_names_the_part_of_aviary_that_acted_without_a_person(bot):
    entry = record_activity("tweet.generated", message="Wrote a draft.", actor="schedule", bot=bot)

    assert (entry.actor, entry.actor_name) == (None, "schedule")


def test_it_refuses_an_unknown_actor(bot):
    with pytest.raises(ValueError, match="Unknown actor"):
        record_activity("bot.paused", message="Paused.", actor="somebody", bot=bot)


def test_an_entry_outlives_the_tweet_it_was_about(bot, owner):
    tweet = make_tweet(bot=bot)
    entry = record_activity("tweet.deleted", message="Deleted a draft.", by=owner, tweet=tweet)

    tweet.delete()

    entry.refresh_from_db()
    assert (entry.tweet, entry.bot_id, entry.message) == (None, bot.pk, "Deleted a draft.")


def test_owners_see_entries_of_their_bots_and_corpora_only(bot, owner):
    stranger = make_user()
    other_bot = make_bot(owners=[stranger])
    own_corpus = make_corpus(created_by=owner)
    mine = record_activity("bot.paused", message="Paused.", by=owner, bot=bot)
    corpus_entry = record_activity("corpus.built", message="Built.", corpus=own_corpus)
    record_activity("bot.paused", message="Paused.", by=stranger, bot=other_bot)
    record_activity("corpus.built", message="Built.", corpus=make_corpus(created_by=stranger))

    assert set(Activity.objects.visible_to(owner)) == {mine, corpus_entry}
    assert Activity.objects.visible_to(make_user(superuser=True)).count() == 4
