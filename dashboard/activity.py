"""The activity page: the entries a person may see, filtered, newest first, a keyset page at a
time. Every page is read from an index in order, at any depth and however large the log:
entries of a few bots bot by bot (activity_bot_recent), of many bots or of every bot from the
log's own order (activity_recent), and dates as ranges of that order."""

import datetime

from django.db import connection
from django.db.models import Q, Subquery

from activity.models import Activity
from bots.models import Bot
from tweets.history import start_of_day

ACTIVITY_PAGE_SIZE = 50
# Up to this many bots, a page is read bot by bot, each from its own part of the index; past
# it the bots hold enough of the log that reading it in order finds a page soon.
BOT_BY_BOT = 50
NEWEST = ("-created_at", "-id")
# What the filter offers: the subject an action is about, by its dotted prefix.
SUBJECTS = [
    ("tweet", "Tweets"),
    ("image", "Images"),
    ("corpus", "Corpora"),
    ("bot", "Bot settings and health"),
    ("mention", "Mentions"),
    ("schedule", "Schedule"),
]


def activity_page(user, filters: dict) -> dict:
    """One page of the entries `user` may see, newest first, filtered, with the cursor of
    the next page: the id of its last entry."""
    visible = _filtered(Activity.objects.visible_to(user), filters)
    bot_ids = _bots_in_view(user, filters)
    # SQLite cannot limit each part of a UNION: it reads the log in order, as for many bots.
    bot_by_bot = connection.features.supports_slicing_ordering_in_compound
    if bot_ids is not None and len(bot_ids) <= BOT_BY_BOT and bot_by_bot:
        # One part per bot (the person's, by Bot.objects.visible_to) and one for the entries
        # about no bot they may see, each a page's worth of the newest from its index; the
        # page is the newest of those.
        each = _filtered(Activity.objects.all(), filters)
        parts = [each.filter(bot_id=pk) for pk in bot_ids]
        if not filters.get("bot") and not filters.get("group"):
            parts.append(visible.filter(bot__isnull=True))
        parts = [_newest(part).values("pk")[: ACTIVITY_PAGE_SIZE + 1] for part in parts]
        entries = Activity.objects.filter(pk__in=parts[0].union(*parts[1:], all=True))
    elif filters.get("bot") or filters.get("group"):
        entries = visible.filter(bot_id__in=bot_ids)
    else:
        entries = visible
    rows = list(_newest(entries.select_related("bot", "tweet", "corpus"))[: ACTIVITY_PAGE_SIZE + 1])
    more = len(rows) > ACTIVITY_PAGE_SIZE
    rows = rows[:ACTIVITY_PAGE_SIZE]
    return {"entries": rows, "next_before": rows[-1].pk if more else None}


def _bots_in_view(user, filters: dict) -> list[int] | None:
    """The ids of the bots whose entries the page may hold, or None for any bot's."""
    if filters.get("bot"):
        return [filters["bot"].pk]
    bots = Bot.objects.visible_to(user)
    if filters.get("group"):
        bots = bots.filter(groups=filters["group"])
    elif user.is_superuser:
        return None
    return list(bots.values_list("pk", flat=True))


def _filtered(entries, filters: dict):
    if filters.get("tweet"):
        entries = entries.filter(tweet_id=filters["tweet"])
    if filters.get("corpus"):
        entries = entries.filter(corpus_id=filters["corpus"])
    if filters.get("subject"):
        entries = entries.filter(action__startswith=f"{filters['subject']}.")
    if filters.get("person"):
        entries = entries.filter(actor_name__iexact=filters["person"])
    if filters.get("since"):
        entries = entries.filter(created_at__gte=start_of_day(filters["since"]))
    if filters.get("until") and filters["until"] < datetime.date.max:
        entries = entries.filter(
            created_at__lt=start_of_day(filters["until"] + datetime.timedelta(1))
        )
    if filters.get("before"):
        # After the entry `before` in the page's order: (created_at, id) below its own.
        at = Subquery(Activity.objects.filter(pk=filters["before"]).values("created_at"))
        entries = entries.filter(
            Q(created_at__lt=at) | Q(created_at=at, pk__lt=filters["before"]), created_at__lte=at
        )
    return entries


def _newest(entries):
    return entries.order_by(*NEWEST)
