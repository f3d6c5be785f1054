"""The tweet state machine: one table of allowed changes on the model, one writer
(tweets.states) that every state change goes through, and the rules about states (in flight,
due) defined once on the model and its QuerySet."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from activity.models import Activity
from tests.factories import make_tweet
from tweets.models import Tweet
from tweets.states import InvalidTransition, move_tweet, move_tweets, sources

State = Tweet.State
ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "activity",
    "autonomy",
    "bench",
    "bots",
    "corpora",
    "dashboard",
    "platforms",
    "project",
    "tweets",
    "xsandbox",
]
WRITERS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def test_every_state_has_its_row_in_the_transition_table():
    assert set(Tweet.TRANSITIONS) == set(State)
    for targets in Tweet.TRANSITIONS.values():
        assert targets <= set(State)


def test_posted_is_final_and_a_rejected_tweet_becomes_posted_only_when_x_has_it():
    assert Tweet.TRANSITIONS[State.POSTED] == frozenset()
    assert Tweet.TRANSITIONS[State.REJECTED] == {State.POSTED}
    # Nothing goes back to draft, and only the claim sends a tweet to X.
    assert sources(State.DRAFT) == frozenset()
    assert sources(State.POSTING) == {State.APPROVED}
    assert sources(State.UNKNOWN) == {State.POSTING}


def test_the_pipeline_changes_allowed_today_are_all_in_the_table():
    allowed = {(source, to) for source, targets in Tweet.TRANSITIONS.items() for to in targets}
    pipeline = {
        (State.DRAFT, State.APPROVED),
        (State.DRAFT, State.REJECTED),
        (State.DRAFT, State.EXPIRED),
        (State.APPROVED, State.POSTING),
        (State.APPROVED, State.REJECTED),
        (State.APPROVED, State.EXPIRED),
        (State.POSTING, State.POSTED),
        (State.POSTING, State.FAILED),
        (State.POSTING, State.APPROVED),
        (State.POSTING, State.UNKNOWN),
        (State.UNKNOWN, State.POSTED),
        (State.UNKNOWN, State.APPROVED),
        (State.FAILED, State.APPROVED),
        (State.EXPIRED, State.APPROVED),
    }
    assert pipeline <= allowed
    # A post X accepted after the row moved on (a reclaimed lease) is recorded as posted.
    assert sources(State.POSTED) == set(State) - {State.DRAFT, State.POSTED}


def test_a_change_not_in_the_table_is_refused_before_anything_is_written(bot):
    tweet = make_tweet(bot=bot, state=State.POSTED, x_post_id="1")
    with pytest.raises(InvalidTransition, match="from posted to approved"):
        move_tweet(tweet, State.APPROVED, expect={State.POSTED}, action="approved")
    tweet.refresh_from_db()
    assert tweet.state == State.POSTED
    assert not Activity.objects.exists()


def test_a_tweet_somebody_else_moved_first_is_left_alone(bot):
    tweet = make_tweet(bot=bot)
    stale = Tweet.objects.get(pk=tweet.pk)
    assert move_tweet(tweet, State.REJECTED, expect={State.DRAFT}, action="rejected")
    assert not move_tweet(stale, State.APPROVED, expect={State.DRAFT}, action="approved")
    assert stale.state == State.DRAFT
    assert Tweet.objects.get(pk=tweet.pk).state == State.REJECTED
    assert list(Activity.objects.values_list("action", flat=True)) == ["tweet.rejected"]


def test_a_move_writes_its_fields_and_its_log_line_together(bot, owner):
    tweet = make_tweet(bot=bot)
    moved = move_tweet(
        tweet,
        State.APPROVED,
        expect={State.DRAFT},
        fields={"approved_by": owner, "next_attempt_at": None},
        action="approved",
        message="Approved to post now.",
        by=owner,
        note="kept",
    )
    assert moved and tweet.state == State.APPROVED
    row = Tweet.objects.get(pk=tweet.pk)
    assert (row.state, row.approved_by) == (State.APPROVED, owner)
    logged = Activity.objects.get(action="tweet.approved")
    assert (logged.actor, logged.tweet_id, logged.details) == (owner, tweet.pk, {"note": "kept"})


def test_the_fields_only_path_keeps_the_state_and_the_time_of_the_last_change(bot):
    tweet = make_tweet(bot=bot, state=State.UNKNOWN)
    changed_at = Tweet.objects.get(pk=tweet.pk).updated_at
    later = timezone.now() + timedelta(minutes=1)
    assert move_tweet(tweet, None, expect={State.UNKNOWN}, fields={"next_attempt_at": later})
    row = Tweet.objects.get(pk=tweet.pk)
    assert (row.state, row.next_attempt_at, row.updated_at) == (State.UNKNOWN, later, changed_at)
    assert not move_tweet(tweet, None, expect={State.APPROVED}, fields={"next_attempt_at": None})


def test_many_rows_move_in_one_update_and_only_from_the_expected_state(bot):
    posting = make_tweet(bot=bot, state=State.POSTING)
    failed = make_tweet(bot=bot, state=State.FAILED)
    assert move_tweets(Tweet.objects.all(), State.UNKNOWN, expect={State.POSTING}) == 1
    states = dict(Tweet.objects.values_list("pk", "state"))
    assert states == {posting.pk: State.UNKNOWN, failed.pk: State.FAILED}


def test_in_flight_is_one_rule_for_a_row_and_for_a_query(bot):
    tweets = {
        (state, waits): make_tweet(bot=bot, state=state, awaits_slot=waits)
        for state in State
        for waits in (False, True)
    }
    in_flight = set(Tweet.objects.in_flight().values_list("pk", flat=True))
    assert {tweet.pk for tweet in tweets.values() if tweet.is_in_flight} == in_flight
    assert {
        (tweet.state, tweet.awaits_slot) for tweet in tweets.values() if tweet.is_in_flight
    } == {
        (State.APPROVED, False),
        (State.POSTING, False),
        (State.POSTING, True),
        (State.UNKNOWN, False),
        (State.UNKNOWN, True),
    }


def test_due_tweets_are_approved_not_waiting_for_a_slot_and_in_posting_order(bot):
    now = timezone.now()
    later = make_tweet(bot=bot, state=State.APPROVED, scheduled_for=now - timedelta(minutes=1))
    first = make_tweet(bot=bot, state=State.APPROVED, scheduled_for=now - timedelta(minutes=5))
    make_tweet(bot=bot, state=State.APPROVED, next_attempt_at=now + timedelta(minutes=5))
    make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True)
    make_tweet(bot=bot, state=State.DRAFT)
    assert list(Tweet.objects.due(now)) == [first, later]


def _state_writes(source: str, name: str) -> list[str]:
    """Lines of `source` that write a tweet's state: an ORM write or a dict of fields with a
    `state` of a tweet, or an assignment to `.state`."""
    found = []

    def is_tweet_state(value: ast.expr) -> bool:
        text = ast.get_source_segment(source, value) or ""
        return "GenerationJob" not in text and (
            "State." in text or (isinstance(value, ast.Constant) and value.value in State.values)
        )

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in WRITERS:
            if any(kw.arg == "state" and is_tweet_state(kw.value) for kw in node.keywords):
                found.append(f"{name}:{node.lineno}")
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "state" and is_tweet_state(value):
                    found.append(f"{name}:{node.lineno}")
        elif isinstance(node, ast.Assign):
            targets = [getattr(target, "elts", [target]) for target in node.targets]
            if any(getattr(target, "attr", "") == "state" for group in targets for target in group):
                found.append(f"{name}:{node.lineno}")
    return sorted(found, key=lambda place: int(place.rsplit(":", 1)[1]))


def test_the_scan_finds_the_state_writes_of_before():
    before = """
Tweet.objects.filter(pk=tweet.pk, state=State.POSTING).update(state=State.UNKNOWN)
fields = {"state": Tweet.State.APPROVED, "next_attempt_at": now}
tweet.state, tweet.last_error = State.EXPIRED, reason
tweet.state = "expired"
Tweet.objects.create(bot=bot, text=text, state="approved")
GenerationJob.objects.filter(pk=job.pk).update(state=GenerationJob.State.RUNNING)
"""
    assert _state_writes(before, "before") == [f"before:{n}" for n in (2, 3, 4, 5, 6)]


def test_no_code_writes_a_tweet_state_except_tweets_states():
    writes = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "tweets" / "states.py":
                continue
            writes += _state_writes(path.read_text(), str(path.relative_to(ROOT)))
    assert writes == []
