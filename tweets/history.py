"""Reading tweets in pages that cost the same at any depth and any size of history: the
review queue and a bot's history use keyset pagination from an index in the page's order,
never OFFSET or a count of every row; the history's CSV streams."""

import csv
import datetime
import io
from collections.abc import Iterator

from django.db import connection
from django.db.models import CharField, F, Func, Q, QuerySet, Subquery
from django.utils import timezone

from tweets.models import Tweet

HISTORY_PAGE_SIZE = 50
NEWEST = ("-created_at", "-id")
CSV_CHUNK_ROWS = 2000
CSV_CHUNK_BYTES = 64 * 1024
# The databases that write CSV themselves (COPY ... TO STDOUT); elsewhere Python's csv does.
COPY_VENDORS = {"postgresql"}
# Each column: its header, the field it reads and how a cell is written.
CSV_SPEC = [
    ("id", "pk", "plain"),
    ("state", "state", "plain"),
    ("text", "text", "text"),
    ("created_at", "created_at", "time"),
    ("approved_by", "approved_by__username", "text"),
    ("approved_at", "approved_at", "time"),
    ("scheduled_for", "scheduled_for", "time"),
    ("posted_at", "posted_at", "time"),
    ("x_post_id", "x_post_id", "text"),
    ("attempts", "attempt_count", "plain"),
    ("last_error", "last_error", "text"),
    ("cost_usd", "cost_usd", "plain"),
]
CSV_COLUMNS, CSV_FIELDS, CSV_KINDS = (list(column) for column in zip(*CSV_SPEC, strict=True))


def review_queue(bots: QuerySet, *, bot=None, after=None) -> QuerySet:
    """Drafts waiting for a person across `bots` (or only `bot`), oldest first, after the
    draft id `after`: read in order from the drafts' own indexes (tweet_drafts_by_bot,
    tweet_drafts), however many tweets the bots have."""
    drafts = Tweet.objects.filter(state=Tweet.State.DRAFT, bot__in=bots)
    if bot is not None:
        drafts = drafts.filter(bot=bot)
    if after:
        drafts = drafts.filter(pk__gt=after)
    return (
        drafts.select_related("bot__schedule")
        .prefetch_related("tweetimage_set__image")
        .order_by("pk")
    )


def filtered(bot, filters: dict) -> QuerySet:
    """The bot's tweets matching the history's filters, newest first (tweet_bot_recent), a
    text search by trigrams where the database has them (tweet_text_trigrams)."""
    tweets = Tweet.objects.filter(bot=bot)
    if filters.get("q"):
        tweets = tweets.filter(text__icontains=filters["q"])
    if filters.get("state"):
        tweets = tweets.filter(state=filters["state"])
    if filters.get("since"):
        tweets = tweets.filter(created_at__gte=start_of_day(filters["since"]))
    if filters.get("until") and filters["until"] < datetime.date.max:
        # Up to the last day of the calendar there is no later day to stop before.
        day_after = start_of_day(filters["until"] + datetime.timedelta(1))
        tweets = tweets.filter(created_at__lt=day_after)
    return tweets.order_by(*NEWEST)


def history_page(bot, filters: dict) -> dict:
    """One page of the bot's tweets, newest first, and the cursor of the next page: the id of
    its last tweet. A page `before` an id starts at the bot's tweet just below it, so a link
    to `id + 1` starts at that tweet (Tweet.get_absolute_url)."""
    tweets = filtered(bot, filters).select_related("approved_by", "bot__schedule")
    if filters.get("before"):
        before = filters["before"]
        anchor = Tweet.objects.filter(bot=bot, pk__lte=before).order_by("-pk")
        at = Subquery(anchor.values("created_at")[:1])
        tweets = tweets.filter(
            Q(created_at__lt=at) | Q(created_at=at, pk__lt=before), created_at__lte=at
        )
    rows = list(tweets[: HISTORY_PAGE_SIZE + 1])
    more = len(rows) > HISTORY_PAGE_SIZE
    rows = rows[:HISTORY_PAGE_SIZE]
    return {"tweets": rows, "next_before": rows[-1].pk if more else None}


def csv_chunks(bot, filters: dict) -> Iterator[bytes]:
    """Every matching tweet as CSV, header first, in pieces of about CSV_CHUNK_BYTES: memory
    stays the same for any number of rows. PostgreSQL writes the rows itself (COPY TO
    STDOUT); elsewhere a server-side cursor feeds Python's csv, CSV_CHUNK_ROWS at a time."""
    # The database writes each cell as it is shown, so a row goes out just as it comes.
    cell = {"time": IsoTimestamp, "text": SpreadsheetText, "plain": AsText}
    columns = [cell[kind](F(field)) for field, kind in zip(CSV_FIELDS, CSV_KINDS, strict=True)]
    rows = filtered(bot, filters).values_list(*columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # as COPY ends its lines
    writer.writerow(CSV_COLUMNS)
    yield _taken(buffer).encode()
    if connection.vendor in COPY_VENDORS:
        yield from _copied(rows)
        return
    for row in rows.iterator(chunk_size=CSV_CHUNK_ROWS):
        writer.writerow(row)  # None is written as an empty cell
        if buffer.tell() >= CSV_CHUNK_BYTES:
            yield _taken(buffer).encode()
    yield _taken(buffer).encode()


def _copied(rows: QuerySet) -> Iterator[bytes]:
    sql, params = rows.query.sql_with_params()
    piece = bytearray()
    # psycopg binds the parameters on the client: COPY takes none of its own.
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for data in copy:  # a row at a time, as the server sends them
            piece += data
            if len(piece) >= CSV_CHUNK_BYTES:
                yield bytes(piece)
                piece.clear()
    yield bytes(piece)


class AsText(Func):
    """A number as its text (csv writes it as it is, not through Decimal or int)."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"


class SpreadsheetText(Func):
    """Text a spreadsheet will not run: a cell that starts like a formula gets a leading
    quote, so a tweet stays text."""

    output_field = CharField()
    template = (
        "CASE WHEN substr(%(expressions)s, 1, 1) IN ('=', '+', '-', '@') "
        "THEN '''' || %(expressions)s ELSE %(expressions)s END"
    )


class IsoTimestamp(Func):
    """A timestamp as ISO 8601 text in UTC, written by the database: reading 100,000 rows
    of timestamps into Python and formatting them again is most of an export's time."""

    output_field = CharField()
    template = (
        "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    )

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps SQLite's timestamps as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        template = "replace(%(expressions)s, ' ', 'T') || '+00:00'"
        return self.as_sql(compiler, connection, template=template, **extra)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
