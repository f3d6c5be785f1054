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
