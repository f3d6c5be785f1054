"""A bot's history and its CSV as a person reads them: newest first by when each tweet was
written, a page at a time from any tweet, searched in any case, exported as a stream."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from bots.models import Bot
from tests.factories import make_bot, make_tweet
from tweets import history
from tweets.models import Tweet

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def written(bot, text, *, days_ago, **fields):
    tweet = make_tweet(bot=bot, text=text, **fields)
    at = timezone.now() - datetime.timedelta(days=days_ago)
    Tweet.objects.filter(pk=tweet.pk).update(created_at=at)
    return tweet


def test_the_history_is_newest_first_by_when_each_tweet_was_written(bot, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_PAGE_SIZE", 2)
    # Written in this order, but the second row is the oldest (a tweet imported late).
    newest = written(bot, "Newest", days_ago=1)
    oldest = written(bot, "Oldest", days_ago=9)
    middle = written(bot, "Middle", days_ago=5)

    first = history.history_page(bot, {})
    second = history.history_page(bot, {"before": first["next_before"]})

    assert first["tweets"] == [newest, middle] and first["next_before"] == middle.pk
    assert second["tweets"] == [oldest] and second["next_before"] is None


def test_a_tweets_link_opens_the_history_at_that_tweet(logged_in, bot):
    older = written(bot, "The older one", days_ago=3)
    linked = written(bot, "The linked one", days_ago=2)
    written(bot, "A newer one", days_ago=1)

    html = logged_in.get(linked.get_absolute_url()).content.decode()

    assert "The linked one" in html and "The older one" in html and "A newer one" not in html
    assert html.index("The linked one") < html.index(older.text)


def test_the_history_finds_text_in_any_case_and_between_dates(logged_in, bot):
    written(bot, "The Hound of the Baskervilles", days_ago=20)
    written(bot, "A hound on the moor", days_ago=2)
    written(bot, "Nothing to see", days_ago=2)
    url = reverse("tweets:history", args=[bot.pk])
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()

    found = logged_in.get(url, {"q": "HOUND"}).content.decode()
    recent = logged_in.get(url, {"q": "hound", "since": since}).content.decode()

    assert "Baskervilles" in found and "on the moor" in found and "Nothing" not in found
    assert "on the moor" in recent and "Baskervilles" not in recent


@pytest.mark.parametrize("writer", ["postgresql", "python"])
def test_the_csv_streams_every_row_in_pieces_and_keeps_formulas_as_text(
    logged_in, bot, owner, monkeypatch, writer
):
    monkeypatch.setattr(history, "CSV_CHUNK_BYTES", 1)  # a piece per row
    if writer == "python":  # as on SQLite: Python's csv writes the rows
        monkeypatch.setattr(history, "COPY_VENDORS", set())
    for n in range(5):
        written(bot, f"Tweet {n}", days_ago=10 - n)
    posted = written(
        bot,
        '=HYPERLINK("http://evil")',
        days_ago=1,
        state=Tweet.State.POSTED,
        x_post_id="77",
        approved_by=owner,
        posted_at=timezone.now(),
    )

    response = logged_in.get(reverse("tweets:history_csv", args=[bot.pk]))
    chunks = list(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))

    assert isinstance(response, StreamingHttpResponse)
    assert len([chunk for chunk in chunks if chunk]) == 1 + 6  # the header, then each row
    assert [row["text"] for row in rows[:2]] == ['\'=HYPERLINK("http://evil")', "Tweet 4"]
    first = rows[0]
    assert first["id"] == str(posted.pk) and first["approved_by"] == owner.username
    assert datetime.datetime.fromisoformat(first["posted_at"]) == posted.posted_at
    assert first["scheduled_for"] == "" and rows[1]["approved_by"] == ""


def test_a_csv_left_half_read_leaves_the_database_connection_usable(bot):
    for n in range(3):
        written(bot, f"Tweet {n}", days_ago=n)
    stream = history.csv_chunks(bot, {})
    next(stream), next(stream)
    stream.close()  # as Django closes a response the browser stopped reading
    assert Tweet.objects.filter(bot=bot).count() == 3


def test_the_review_queue_keeps_to_the_chosen_bot(bot, owner):
    other = make_bot(owners=[owner])
    mine = make_tweet(bot=bot, text="Mine")
    make_tweet(bot=other, text="The other's")
    bots = Bot.objects.visible_to(owner)

    assert list(history.review_queue(bots, bot=bot)) == [mine]
    assert list(history.review_queue(bots, bot=bot, after=mine.pk)) == []
