"""The tweets admin: bulk actions on the tweet changelist run the same services as the site,
and a staff member sees only the tweets and attempts of their own bots."""

import pytest
from django.urls import reverse

from tests.factories import make_bot, make_staff, make_tweet
from tweets.models import PostAttempt, Tweet

State = Tweet.State
CHANGELIST = "admin:tweets_tweet_changelist"


@pytest.fixture
def staff(client, owner):
    make_staff(owner, Tweet, PostAttempt)
    client.force_login(owner)
    return client


def run_action(client, action, *tweets):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [tweet.pk for tweet in tweets]},
        follow=True,
    )


def test_the_tweet_changelist_offers_the_tweet_actions(staff, bot):
    make_tweet(bot=bot)
    response = staff.get(reverse(CHANGELIST))
    offered = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert {"approve", "post_now", "reject", "retry"} <= offered


def test_approve_action_approves_drafts_as_the_person(staff, bot, owner):
    drafts = [make_tweet(bot=bot), make_tweet(bot=bot)]
    response = run_action(staff, "approve", *drafts)
    assert "2 tweet(s) approved." in response.content.decode()
    for draft in drafts:
        draft.refresh_from_db()
        assert (draft.state, draft.approved_by) == (State.APPROVED, owner)
    assert bot.activity.filter(action="tweet.approved").count() == 2


def test_post_now_action_queues_a_draft_for_now(staff, bot, owner):
    draft = make_tweet(bot=bot)
    run_action(staff, "post_now", draft)
    draft.refresh_from_db()
    assert (draft.state, draft.approved_by, draft.scheduled_for) == (State.APPROVED, owner, None)


def test_reject_action_rejects_and_refuses_what_it_cannot(staff, bot):
    draft = make_tweet(bot=bot)
    posted = make_tweet(bot=bot, state=State.POSTED, x_post_id="99", text="Already out there.")
    response = run_action(staff, "reject", draft, posted)
    html = response.content.decode()
    assert "1 tweet(s) rejected." in html
    assert "“Already out there.”: This tweet is posted, so it cannot be rejected." in html
    draft.refresh_from_db()
    posted.refresh_from_db()
    assert (draft.state, posted.state) == (State.REJECTED, State.POSTED)


def test_retry_action_queues_a_failed_tweet_again(staff, bot):
    failed = make_tweet(bot=bot, state=State.FAILED, attempt_count=3, last_error="X said no.")
    run_action(staff, "retry", failed)
    failed.refresh_from_db()
    assert (failed.state, failed.attempt_count, failed.last_error) == (State.APPROVED, 0, "")


def test_actions_cannot_reach_another_persons_tweets(staff, bot):
    theirs = make_tweet(bot=make_bot(name="someone-elses"))
    run_action(staff, "approve", theirs)
    theirs.refresh_from_db()
    assert theirs.state == State.DRAFT


def test_staff_sees_only_the_attempts_of_their_own_bots(staff, bot):
    mine = make_tweet(bot=bot, text="My own tweet")
    theirs = make_tweet(bot=make_bot(name="someone-elses"), text="Their tweet")
    for tweet in (mine, theirs):
        PostAttempt.objects.create(tweet=tweet, number=1, started_at=tweet.created_at)
    html = staff.get(reverse("admin:tweets_postattempt_changelist")).content.decode()
    assert "My own tweet" in html
    assert "Their tweet" not in html
    other_attempt = theirs.attempts.get()
    change = reverse("admin:tweets_postattempt_change", args=[other_attempt.pk])
    assert staff.get(change).status_code == 302
