"""One flock on three networks through the one pipeline: thirty tweets over an X sandbox
bot, a Mastodon sandbox bot and a Bluesky sandbox bot, two real workers, each tweet posted
exactly once on its own network's sandbox."""

import pytest

from tests.integration.test_pipeline import (  # noqa: F401 - the fixture, shared
    assert_posted_exactly_once,
    processes,
    settled,
)
from tests.integration.world import (
    approve_many,
    bluesky_sandbox_bot,
    mastodon_sandbox_bot,
    sandbox_bot,
)
from xsandbox.models import BlueskyAccount, MastodonAccount, MastodonStatus, Post

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_thirty_tweets_over_three_networks_post_exactly_once_with_two_workers(
    processes,  # noqa: F811
    live_server,
    settings,
):
    settings.MASTODON_SANDBOX_BASE_URL = f"{live_server.url}/xsandbox/mastodon"
    settings.BLUESKY_SANDBOX_BASE_URL = f"{live_server.url}/xsandbox/bluesky"
    bots = [
        sandbox_bot(name="On X", handle="three_x"),
        mastodon_sandbox_bot(name="On Mastodon", username="three_toots"),
        bluesky_sandbox_bot(name="On Bluesky", handle="three.bsky.sandbox.test"),
    ]
    tweets = []
    for bot in bots:
        tweets += approve_many(bot, [f"Post {n} of {bot.name}, exactly once." for n in range(10)])
    processes.worker("w1")
    processes.worker("w2")

    tweets = settled(tweets, timeout=120, processes=processes)

    assert_posted_exactly_once(bots, tweets)
    on_x = Post.objects.filter(account__handle="three_x")
    assert sorted(on_x.values_list("text", flat=True)) == sorted(
        t.text for t in tweets if t.bot == bots[0]
    )
    toots = MastodonStatus.objects.filter(
        account=MastodonAccount.objects.get(username="three_toots")
    )
    assert toots.count() == 10
    skeets = BlueskyAccount.objects.get(did=bots[2].x_user_id).records
    assert skeets.filter(collection="app.bsky.feed.post").count() == 10
