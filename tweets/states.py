"""The one writer of a tweet's state: every change is checked against Tweet.TRANSITIONS and
made by one conditional UPDATE, so two actors at once cannot both win (DESIGN.md)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from activity.services import record_activity
from tweets.budget import count_spend
from tweets.models import Tweet
from tweets.novelty import forget_text

State = Tweet.State


class InvalidTransition(Exception):
    """The tweet is not in a state that allows this; the message says what it is in."""


def sources(to: str) -> frozenset[str]:
    """The states Tweet.TRANSITIONS lets move to `to`."""
    return frozenset(state for state, targets in Tweet.TRANSITIONS.items() if to in targets)


def move_tweets(
    tweets: QuerySet, to: str | None, *, expect: Iterable[str], fields: dict | None = None
) -> int:
    """Move the rows of `tweets` still in one of the `expect` states to `to`, with `fields`
    and updated_at, in one conditional UPDATE; returns how many moved. `to=None` is the
    fields-only path: the rows stay in whatever `expect` state they are in and only
    `fields` are written (updated_at only when given: the reconcile's grace reads it).

    Raises InvalidTransition, before writing, when Tweet.TRANSITIONS does not allow some
    `expect` state to become `to`, or when `to` is posted (move_tweet moves a post, so its
    cost is counted): that is a mistake in the caller, not a race.
    """
    if to == State.POSTED:
        # Each post is added to its bot's monthly spend as it moves (move_tweet).
        raise InvalidTransition("Tweets become posted one at a time, through move_tweet.")
    return _write(tweets, to, expect=expect, fields=fields)


def _write(tweets: QuerySet, to: str | None, *, expect: Iterable[str], fields: dict | None) -> int:
    expect = frozenset(expect)
    refused = {state for state in expect if to not in (None, state)} - sources(to)
    if refused:
        names = ", ".join(sorted(refused))
        raise InvalidTransition(f"A tweet cannot go from {names} to {to}.")
    values = dict(fields or {})
    if to is not None:
        values.setdefault("updated_at", timezone.now())
        values["state"] = to
    if "text" not in values:
        return tweets.filter(state__in=expect).update(**values)
    # A new text's word pairs are indexed by the next novelty check (tweets.novelty).
    written = tweets.filter(state__in=expect).update(**values, shingle_count=None)
    forget_text(tweets.filter(shingle_count__isnull=True))
    return written


def move_tweet(
    tweet: Tweet,
    to: str | None,
    *,
    expect: Iterable[str],
    when: dict | None = None,
    fields: dict | None = None,
    action: str = "",
    message: str = "",
    by=None,
    actor: str = "system",
    savepoint: bool = True,
    **details,
) -> bool:
    """Move one tweet to `to` if its row is still in one of `expect` and matches the lookups
    of `when` (move_tweets; `to=None` changes only `fields`). False when somebody else moved
    it first: nothing is written.

    With `action`, the change and its Activity `tweet.<action>` (`message`, by `by` or
    else `actor`, with `details`) commit together, inside the caller's transaction if any
    (`savepoint=False` inside one: a failure then undoes the caller's whole transaction,
    and the two statements of a savepoint are saved). A move to posted adds the post's
    cost to the bot's spend of the day in the same transaction (budget.count_spend):
    posted is final, so each post counts once. The instance takes the written values when
    the row moved.
    """
    fields = dict(fields or {})
    if to is not None:
        fields.setdefault("updated_at", timezone.now())
    with transaction.atomic(savepoint=savepoint):
        row = Tweet.objects.filter(pk=tweet.pk, **(when or {}))
        moved = bool(_write(row, to, expect=expect, fields=fields))
        if moved and to == State.POSTED:
            posted_at = fields.get("posted_at") or timezone.now()
            count_spend(tweet, at=posted_at, cost=fields.get("cost_usd"))
        if moved and action:
            record_activity(
                f"tweet.{action}", message=message, by=by, actor=actor, tweet=tweet, **details
            )
    if moved:
        if to is not None:
            fields["state"] = to
        for name, value in fields.items():
            # An expression (F("attempt_count") + 1) is only known after a refresh.
            if not hasattr(value, "resolve_expression"):
                setattr(tweet, name, value)
    return moved
