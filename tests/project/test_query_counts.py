"""The pages people use every day cost a fixed number of SQL queries, however many bots and
tweets there are: measured with a small flock, then again with a bigger one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.services import record_activity
from bots.models import BotGroup
from tests.factories import make_bot, make_tweet
from tweets.models import Tweet


def grow(owner, bots: int, tweets_each: int) -> list:
    made = []
    for _ in range(bots):
        bot = make_bot(owners=[owner])
        for n in range(tweets_each):
            state = [
                Tweet.State.DRAFT,
                Tweet.State.POSTED,
                Tweet.State.FAILED,
                Tweet.State.APPROVED,
            ][n % 4]
            tweet = make_tweet(
                bot=bot,
                state=state,
                posted_at=timezone.now() if state == Tweet.State.POSTED else None,
                x_post_id=str(n) if state == Tweet.State.POSTED else "",
            )
            record_activity("tweet.generated", message="Wrote a draft.", by=owner, tweet=tweet)
        made.append(bot)
    group, _ = BotGroup.objects.get_or_create(name="Everyone", created_by=owner)
    group.bots.add(*made)
    return made


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_page_queries_do_not_grow_with_the_data(client, owner, superuser, credential_keys, who):
    client.force_login(owner if who == "owner" else superuser)
    first = grow(owner, bots=2, tweets_each=4)
    pages = [
        reverse("dashboard"),
        reverse("tweets:review"),
        reverse("tweets:history", args=[first[0].pk]),
        reverse("bots:detail", args=[first[0].pk]),
        reverse("bots:activity"),
        reverse("bots:groups"),
        reverse("bots:group", args=[BotGroup.objects.get().pk]),
        reverse("dashboard") + f"?group={BotGroup.objects.get().pk}",
        reverse("tweets:review") + f"?bot={first[0].name}",
        reverse("tweets:review") + f"?group={BotGroup.objects.get().pk}",
        reverse("tweets:history", args=[first[0].pk]) + "?q=tweet&since=2020-01-01",
        reverse("bots:activity") + f"?bot={first[0].pk}&subject=tweet&since=2020-01-01",
        reverse("bots:activity") + f"?group={BotGroup.objects.get().pk}",
        reverse("bots:suggestions") + "?bot=bot",
        reverse("tweets:calendar"),
        reverse("tweets:calendar") + "?view=month",
        reverse("tweets:calendar") + f"?bot={first[0].pk}",
        reverse("tweets:calendar") + f"?view=month&group={BotGroup.objects.get().pk}",
    ]
    small = {url: queries(client, url) for url in pages}
    grow(owner, bots=6, tweets_each=12)
    for n in range(30):
        make_tweet(
            bot=first[0], text=f"More history {n}", state=Tweet.State.POSTED, x_post_id=f"9{n}"
        )
    large = {url: queries(client, url) for url in pages}
    assert large == small
