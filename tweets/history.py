"""Reading tweets in pages that cost the same at any depth: the review queue and a bot's
history use keyset pagination (by id), never OFFSET or a count of every row."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from tweets.models import Tweet

HISTORY_PAGE_SIZE = 50
CSV_COLUMNS = [
    "id",
    "state",
    "text",
    "created_at",
    "approved_by",
    "approved_at",
    "scheduled_for",
    "posted_at",
    "x_post_id",
    "attempts",
    "last_error",
    "cost_usd",
]


def review_queue(bots: QuerySet, *, bot_id=None, after=None) -> QuerySet:
    """Drafts waiting for a person across `bots`, oldest first, after the draft id `after`."""
    drafts = Tweet.objects.filter(state=Tweet.State.DRAFT, bot__in=bots)
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if bot_id and str(bot_id).isdecimal():
        drafts = drafts.filter(bot_id=int(bot_id))
    if after and str(after).isdecimal():
        drafts = drafts.filter(pk__gt=int(after))
    return drafts.select_related("bot").prefetch_related("tweetimage_set__image").order_by("pk")


def filtered(bot, filters: dict) -> QuerySet:
    tweets = Tweet.objects.filter(bot=bot)
    if filters.get("q"):
        tweets = tweets.filter(text__icontains=filters["q"])
    if filters.get("state"):
        tweets = tweets.filter(state=filters["state"])
    if filters.get("since"):
        tweets = tweets.filter(created_at__gte=_start_of(filters["since"]))
    if filters.get("until") and filters["until"] < datetime.date.max:
        # Up to the last day of the calendar there is no later day to stop before.
        tweets = tweets.filter(created_at__lt=_start_of(filters["until"] + datetime.timedelta(1)))
    return tweets


def history_page(bot, filters: dict) -> dict:
    """One page of the bot's tweets, newest first, and the cursor of the next page."""
    tweets = filtered(bot, filters).select_related("approved_by", "bot").order_by("-pk")
    if filters.get("before"):
        tweets = tweets.filter(pk__lt=filters["before"])
    rows = list(tweets[: HISTORY_PAGE_SIZE + 1])
    more = len(rows) > HISTORY_PAGE_SIZE
    rows = rows[:HISTORY_PAGE_SIZE]
    return {"tweets": rows, "next_before": rows[-1].pk if more else None}


def csv_rows(bot, filters: dict):
    """Every matching tweet as CSV rows, header first, streamed in id order chunks."""
    yield CSV_COLUMNS
    tweets = (
        filtered(bot, filters)
        .order_by("-pk")
        .values_list(
            "pk",
            "state",
            "text",
            "created_at",
            "approved_by__username",
            "approved_at",
            "scheduled_for",
            "posted_at",
            "x_post_id",
            "attempt_count",
            "last_error",
            "cost_usd",
        )
    )
    for row in tweets.iterator(chunk_size=2000):
        yield [_csv_value(value) for value in row]


class Echo:
    """A file-like object for csv.writer that hands each row back to the response stream."""

    def write(self, value):
        return value


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _csv_value(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # Spreadsheets run cells that start like a formula; a tweet must stay text.
        return "'" + value
    return "" if value is None else value
