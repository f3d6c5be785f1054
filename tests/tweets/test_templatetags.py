"""The tweet filters: a badge colour and a status partial for every state."""

import pytest
from django.template.loader import get_template

from bots.models import Bot
from tweets.models import Tweet
from tweets.templatetags.tweet_format import state_badge, status_template


def test_it_colours_posted_failed_and_unknown_tweets():
    assert state_badge(Tweet.State.POSTED) == "ok"
    assert state_badge(Tweet.State.FAILED) == "bad"
    assert state_badge(Tweet.State.UNKNOWN) == "warn"
    assert state_badge("something new") == ""


@pytest.mark.parametrize("state", Tweet.State.values)
def test_every_state_has_a_status_partial(state):
    tweet = Tweet(bot=Bot(name="Quill", handle="quill"), text="Hello.", state=state)
    assert get_template(status_template(tweet))


def test_a_queued_tweet_held_by_the_daily_cap_says_so_not_posting_in_a_moment(bot):
    from django.utils import timezone

    from tests.factories import make_tweet

    bot.daily_post_cap = 1
    bot.save()
    make_tweet(bot=bot, state=Tweet.State.POSTED, posted_at=timezone.now(), x_post_id="1")
    queued = make_tweet(bot=bot, state=Tweet.State.APPROVED)

    html = get_template(status_template(queued)).render({"tweet": queued})

    assert "Daily cap reached: 1 of 1 posts" in html
    assert "posting in a moment" not in html


def test_a_queued_tweet_of_a_paused_bot_says_it_waits_for_resume(bot):
    from tests.factories import make_tweet

    bot.is_active = False
    bot.save()
    queued = make_tweet(bot=bot, state=Tweet.State.APPROVED)

    html = get_template(status_template(queued)).render({"tweet": queued})

    assert "Paused: queued tweets wait until you resume it." in html
