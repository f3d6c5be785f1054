"""What a tweet and a generation job tell the pages about themselves, and a tweet's address
on the site."""

import pytest

from tests.factories import make_image, make_tweet
from tweets.history import HISTORY_PAGE_SIZE
from tweets.models import GenerationJob, Tweet, TweetImage

State = Tweet.State


def test_only_a_draft_can_be_approved():
    assert [s for s in State.values if Tweet(state=s).can_be_approved()] == [State.DRAFT]


def test_it_awaits_the_worker_while_queued_posting_or_unknown_but_not_for_a_slot():
    waiting = {s for s in State.values if Tweet(state=s).is_in_flight}
    assert waiting == {State.APPROVED, State.POSTING, State.UNKNOWN}
    assert not Tweet(state=State.APPROVED, awaits_slot=True).is_in_flight


def test_failed_and_expired_tweets_need_a_retry():
    assert {s for s in State.values if Tweet(state=s).needs_retry()} == {
        State.FAILED,
        State.EXPIRED,
    }


@pytest.mark.django_db
def test_attached_images_come_in_posting_order(bot):
    tweet = make_tweet(bot=bot)
    first, second = make_image(bot=bot), make_image(bot=bot, color=(0, 0, 200))
    TweetImage.objects.create(tweet=tweet, image=second, position=1)
    TweetImage.objects.create(tweet=tweet, image=first, position=0)
    assert tweet.attached_images() == [first, second]


def test_a_job_says_whether_it_runs_or_failed():
    assert GenerationJob(state=GenerationJob.State.RUNNING).is_running()
    assert not GenerationJob(state=GenerationJob.State.QUEUED).is_running()
    assert GenerationJob(state=GenerationJob.State.FAILED).has_failed()
    assert not GenerationJob(state=GenerationJob.State.DONE).has_failed()


def test_a_tweets_url_is_its_bots_history_showing_it_even_pages_back(client, owner, bot):
    tweet = make_tweet(bot=bot, text="The one we are looking for.")
    for _ in range(HISTORY_PAGE_SIZE + 5):
        make_tweet(bot=bot)
    client.force_login(owner)
    response = client.get(tweet.get_absolute_url())
    assert response.status_code == 200
    assert response.wsgi_request.path == f"/tweets/bots/{bot.pk}/history/"
    assert "The one we are looking for." in response.content.decode()
