"""The composer's warnings before a post goes (tweets.composing)."""

from django.utils import timezone

from tests.conftest import SECRETS
from tests.factories import make_bot, make_tweet
from tweets.composing import compose_warnings
from tweets.models import Tweet

TEXT = "The harbour lights come on one by one as the fishing boats return at dusk."


def test_it_warns_when_another_x_bot_posted_the_same_text(db, credential_keys):
    first = make_bot(name="First", platform="sandbox", credentials=SECRETS)
    second = make_bot(name="Second", platform="sandbox", credentials=SECRETS)
    make_tweet(bot=first, text=TEXT, state=Tweet.State.POSTED, posted_at=timezone.now())

    warnings = compose_warnings(second, text=TEXT)

    assert len(warnings) == 1
    assert "First" in warnings[0] and "identical content" in warnings[0]
    assert compose_warnings(second, text="A different thought about the tides today.") == []


def test_it_says_what_a_link_costs_on_x(db, credential_keys):
    bot = make_bot(platform="sandbox", credentials=SECRETS)

    (warning,) = compose_warnings(bot, text="Tide tables for the week: https://example.org/tides")

    assert warning.startswith("This post has a link: it costs $0.2 instead of $0.015")


def test_an_empty_text_has_nothing_to_warn_about(db, credential_keys):
    assert compose_warnings(make_bot(platform="sandbox"), text="  ") == []
