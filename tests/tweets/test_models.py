"""A tweet's own address on the site."""

from tests.factories import make_tweet
from tweets.history import HISTORY_PAGE_SIZE


def test_a_tweets_url_is_its_bots_history_showing_it_even_pages_back(client, owner, bot):
    tweet = make_tweet(bot=bot, text="The one we are looking for.")
    for _ in range(HISTORY_PAGE_SIZE + 5):
        make_tweet(bot=bot)
    client.force_login(owner)
    response = client.get(tweet.get_absolute_url())
    assert response.status_code == 200
    assert response.wsgi_request.path == f"/tweets/bots/{bot.pk}/history/"
    assert "The one we are looking for." in response.content.decode()
