"""The flock's do-not-reply list: an account that said "stop" (or one of the owner's own stop
words) to any bot is never replied to or mentioned again by any bot on that network."""

import re

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from activity.services import record_activity
from bots.models import Bot, DoNotReply
from bots.words import holds_phrase, parse_phrases, words_of
from platforms.x.handles import mentioned_handles
from platforms.x.text import remove_urls

# What every bot hears as "stop"; each listener adds its owner's words (Listener.stop_words).
STOP_WORDS = ("stop",)
_HANDLE = re.compile(r"[@\uff20]\w+")


def stop_word_in(text: str, extra: list[str] = ()) -> str:
    """The first stop word (or phrase) that is a whole word of `text`, ignoring case,
    punctuation, @handles and links: "stop" and then `extra`; '' when none is."""
    words = words_of(_HANDLE.sub(" ", remove_urls(text, " ")))
    for phrase in (*STOP_WORDS, *extra):
        wanted = " ".join(words_of(phrase))
        if wanted and holds_phrase(words, wanted):
            return phrase
    return ""


def parse_stop_words(text: str) -> list[str]:
    """'Leave me alone, unsubscribe' -> ['leave me alone', 'unsubscribe']; "stop" is
    always heard and need not be given."""
    return [phrase for phrase in parse_phrases(text) if phrase not in STOP_WORDS]


def listed(network: str):
    """The network's do-not-reply entries, by handle."""
    return DoNotReply.objects.filter(network=network)


def is_listed(network: str, *, account_id: str = "", handle: str = "") -> bool:
    """Whether the account (by id, or else by handle) is on the network's list."""
    entries = DoNotReply.objects.filter(network=network)
    if account_id:
        by_id = entries.filter(account_id=account_id)
        if not handle:
            return by_id.exists()
        return (
            by_id | entries.annotate(lower=Lower("handle")).filter(lower=handle.lower())
        ).exists()
    return entries.annotate(lower=Lower("handle")).filter(lower=handle.lower()).exists()


def listed_handles_in(network: str, text: str) -> list[str]:
    """The handles `text` @-mentions that are on the network's list (no query when the text
    mentions no one)."""
    handles = mentioned_handles(text)
    if not handles:
        return []
    found = set(
        DoNotReply.objects.filter(network=network)
        .annotate(lower=Lower("handle"))
        .filter(lower__in=handles)
        .values_list("lower", flat=True)
    )
    return [handle for handle in handles if handle in found]


def refusal_for_text(bot: Bot, text: str) -> str:
    """Why `bot` may not post `text` (it @-mentions an account on the do-not-reply list of
    the bot's network), or ''."""
    handles = listed_handles_in(bot.network, text)
    if not handles:
        return ""
    names = ", ".join(f"@{handle}" for handle in handles)
    return (
        f"It mentions {names}, on the flock's do-not-reply list (they asked the bots to "
        "stop): no bot mentions them again. Edit the text to leave them out."
    )


def add_to_do_not_reply(
    network: str,
    *,
    handle: str,
    account_id: str = "",
    reason: str = "",
    heard_by: Bot | None = None,
    by=None,
    bot: Bot | None = None,
) -> tuple[DoNotReply, bool]:
    """Put an account on the network's do-not-reply list, once (rows written: DoNotReply,
    Activity bot.do_not_reply_added on the bot that heard it, or else on `bot`, whose page
    a person added it from); returns the entry and whether it is new."""
    handle = handle.lstrip("@")
    try:
        with transaction.atomic():
            entry = DoNotReply.objects.create(
                network=network,
                account_id=account_id,
                handle=handle,
                reason=reason,
                heard_by=heard_by,
                added_by=by,
            )
            who = f"@{handle}"
            record_activity(
                "bot.do_not_reply_added",
                message=f"Put {who} on the flock's do-not-reply list: {reason or 'added by hand'}.",
                by=by,
                actor="listener",
                bot=heard_by or bot,
                handle=handle,
                account_id=account_id,
            )
    except IntegrityError:
        existing = DoNotReply.objects.annotate(lower=Lower("handle")).filter(network=network)
        match = existing.filter(account_id=account_id).first() if account_id else None
        return match or existing.get(lower=handle.lower()), False
    return entry, True


def remove_from_do_not_reply(entry: DoNotReply, *, by, bot: Bot | None = None) -> None:
    """Take an account off its network's do-not-reply list (rows written: DoNotReply
    deleted, Activity bot.do_not_reply_removed on `bot`)."""
    with transaction.atomic():
        record_activity(
            "bot.do_not_reply_removed",
            message=f"Took @{entry.handle} off the flock's do-not-reply list: the bots may "
            "reply to and mention them again.",
            by=by,
            bot=bot,
            handle=entry.handle,
        )
        entry.delete()
