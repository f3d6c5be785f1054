"""The one writer of a tweet's state: every change is checked against Tweet.TRANSITIONS and
made by one conditional UPDATE, so two actors at once cannot both win (DESIGN.md)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from activity.services import record_activity
from tweets.models import Tweet

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
    `expect` state to become `to`: that is a mistake in the caller, not a race.
    """
    expect = frozenset(expect)
    refused = {state for state in expect if to not in (None, state)} - sources(to)
    if refused:
        names = ", ".join(sorted(refused))
        raise InvalidTransition(f"A tweet cannot go from {names} to {to}.")
    values = dict(fields or {})
    if to is not None:
        values.setdefault("updated_at", timezone.now())
        values["state"] = to
    return tweets.filter(state__in=expect).update(**values)


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
    **details,
) -> bool:
    """Move one tweet to `to` if its row is still in one of `expect` and matches the lookups
    of `when` (move_tweets; `to=None` changes only `fields`). False when somebody else moved
    it first: nothing is written.

    With `action`, the change and its Activity `tweet.<action>` (`message`, by `by` or
    else `actor`, with `details`) commit together, inside the caller's transaction if any.
    The instance takes the written values when the row moved.
    """
    fields = dict(fields or {})
    if to is not None:
        fields.setdefault("updated_at", timezone.now())
    with transaction.atomic():
        row = Tweet.objects.filter(pk=tweet.pk, **(when or {}))
        moved = bool(move_tweets(row, to, expect=expect, fields=fields))
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
