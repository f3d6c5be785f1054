"""The review queue: what a person sees and does, with and without htmx."""

import csv
import io
import time

import pytest
from django.urls import reverse

from tests.conftest import make_mastodon_bot
from tests.factories import make_bot, make_tweet, make_user
from tweets.models import Tweet

State = Tweet.State
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(bot):
    return make_tweet(bot=bot, text="The game is afoot, Watson.")


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_it_lists_drafts_of_my_bots_with_their_weighted_count_tools(logged_in, draft, bot):
    other = make_bot(owners=[make_user()])
    make_tweet(bot=other, text="Somebody else's draft")
    html = logged_in.get(reverse("tweets:review")).content.decode()
    assert draft.text in html
    assert "Somebody else's draft" not in html
    assert f'hx-post="{reverse("tweets:approve", args=[draft.pk])}"' in html


def test_it_filters_the_queue_by_bot(logged_in, owner, draft):
    second = make_bot(owners=[owner], name="Second")
    make_tweet(bot=second, text="From the second bot")
    html = logged_in.get(reverse("tweets:review"), {"bot": second.pk}).content.decode()
    assert "From the second bot" in html
    assert draft.text not in html


def test_it_pages_the_queue_without_offsets(logged_in, bot):
    tweets = [make_tweet(bot=bot, text=f"Draft {n}") for n in range(55)]
    first = logged_in.get(reverse("tweets:review")).content.decode()
    assert "Draft 49" in first and "Draft 50" not in first
    more = logged_in.get(reverse("tweets:review"), {"after": tweets[49].pk}, **HTMX)
    assert "Draft 54" in more.content.decode() and "Draft 49" not in more.content.decode()


def test_approving_with_htmx_returns_the_card_queued_and_polling(
    logged_in, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = logged_in.post(reverse("tweets:approve", args=[draft.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Queued" in html and 'hx-trigger="every 2s"' in html
    assert len(callbacks) == 1
    draft.refresh_from_db()
    assert draft.state == State.APPROVED


def test_approving_a_draft_of_a_scheduled_review_bot_says_it_waits_for_the_slot(
    logged_in, draft, bot, django_capture_on_commit_callbacks
):
    from bots.schedule import save_schedule

    save_schedule(bot, every_minutes=60)
    with django_capture_on_commit_callbacks() as callbacks:
        response = logged_in.post(reverse("tweets:approve", args=[draft.pk]), **HTMX)
    html = response.content.decode()
    assert f"Queued for {bot.name}'s next scheduled slot." in html
    assert "hx-trigger" not in html
    assert callbacks == []


def test_approving_without_javascript_redirects_with_a_message(logged_in, draft):
    response = logged_in.post(reverse("tweets:approve", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tweets:review")
    assert "Tweet queued." in response.content.decode()


def test_a_card_that_moved_on_explains_instead_of_failing(logged_in, bot):
    posted = make_tweet(bot=bot, state=State.POSTED, x_post_id="77")
    response = logged_in.post(reverse("tweets:reject", args=[posted.pk]), **HTMX)
    assert response.status_code == 200
    assert "This tweet is posted, so it cannot be rejected." in response.content.decode()


def test_editing_shows_the_form_then_saves_valid_text(logged_in, draft):
    form = logged_in.get(reverse("tweets:edit", args=[draft.pk]), **HTMX).content.decode()
    assert "<textarea" in form and "26 / 280" in form
    response = logged_in.post(reverse("tweets:edit", args=[draft.pk]), {"text": "New text"}, **HTMX)
    assert "New text" in response.content.decode()
    draft.refresh_from_db()
    assert draft.text == "New text"


def test_editing_to_too_long_text_keeps_the_draft_and_says_why(logged_in, draft):
    response = logged_in.post(reverse("tweets:edit", args=[draft.pk]), {"text": "字" * 141}, **HTMX)
    html = response.content.decode()
    assert "282 characters as X counts them" in html
    assert "282 / 280" in html
    draft.refresh_from_db()
    assert draft.text == "The game is afoot, Watson."


def test_the_live_count_uses_x_rules(logged_in):
    response = logged_in.post(reverse("tweets:count"), {"text": "see example.com 👩‍👩‍👧"})
    assert "30 / 280" in response.content.decode()


def test_the_live_count_refuses_a_text_longer_than_any_form_takes_before_counting(logged_in):
    started = time.perf_counter()
    response = logged_in.post(reverse("tweets:count"), {"text": "a." * 20_000})
    assert response.status_code == 200
    assert "Too long to count: at most 2000 characters" in response.content.decode()
    assert time.perf_counter() - started < 2.0


def test_the_live_count_counts_the_issues_dotted_texts_quickly(logged_in):
    for text in ["U.S." * 500, "a." * 1_000, "é." * 1_000]:
        started = time.perf_counter()
        response = logged_in.post(reverse("tweets:count"), {"text": text})
        assert "2000 / 280" in response.content.decode()
        assert time.perf_counter() - started < 2.0, text[:8]


def test_editing_to_a_dotted_run_is_refused_quickly_and_keeps_the_draft(logged_in, draft):
    started = time.perf_counter()
    response = logged_in.post(
        reverse("tweets:edit", args=[draft.pk]), {"text": "U.S." * 500}, **HTMX
    )
    assert time.perf_counter() - started < 2.0
    assert "2000" in response.content.decode()
    draft.refresh_from_db()
    assert draft.text == "The game is afoot, Watson."


def test_approve_for_a_time_in_the_past_is_refused_clearly(logged_in, draft):
    response = logged_in.post(
        reverse("tweets:approve_at", args=[draft.pk]), {"at": "2001-01-01T10:00"}, **HTMX
    )
    assert "That time has passed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_bulk_approve_touches_only_my_drafts(logged_in, bot, draft):
    second = make_tweet(bot=bot, text="Second draft")
    foreign = make_tweet(bot=make_bot(owners=[make_user()]), text="Not mine")
    response = logged_in.post(
        reverse("tweets:bulk"),
        {"action": "approve", "tweets": [draft.pk, second.pk, foreign.pk]},
        follow=True,
    )
    assert "2 drafts approved." in response.content.decode()
    states = dict(Tweet.objects.values_list("pk", "state"))
    assert states[draft.pk] == states[second.pk] == State.APPROVED
    assert states[foreign.pk] == State.DRAFT


def test_bulk_with_nothing_selected_says_so(logged_in, draft):
    response = logged_in.post(reverse("tweets:bulk"), {"action": "reject"}, follow=True)
    assert "Select at least one draft." in response.content.decode()


def test_history_filters_pages_and_exports_csv(logged_in, bot):
    for n in range(60):
        make_tweet(bot=bot, text=f"=cmd {n}" if n == 0 else f"Tweet {n}")
    make_tweet(bot=bot, text="A failed one", state=State.FAILED, last_error="X refused it")
    page = logged_in.get(reverse("tweets:history", args=[bot.pk])).content.decode()
    assert "A failed one" in page and "X refused it" in page and "Older tweets" in page
    failed = logged_in.get(reverse("tweets:history", args=[bot.pk]), {"state": "failed"})
    assert "Tweet 5" not in failed.content.decode()
    bad = logged_in.get(
        reverse("tweets:history", args=[bot.pk]), {"since": "2026-02-02", "until": "2026-01-01"}
    )
    assert "The start date is after the end date." in bad.content.decode()
    export = logged_in.get(reverse("tweets:history_csv", args=[bot.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:3] == ["id", "state", "text"]
    assert len(rows) == 62
    assert [row[2] for row in rows if "cmd" in row[2]] == ["'=cmd 0"]


# Settling an unknown tweet from its card -----------------------------------------------


@pytest.fixture
def left_for_a_person(bot):
    return make_tweet(
        bot=bot, text="Did it go out?", state=State.UNKNOWN, last_error="Timeline refused."
    )


def test_an_unknown_tweet_left_for_a_person_offers_both_ways_out_and_stops_polling(
    logged_in, left_for_a_person
):
    html = logged_in.get(reverse("tweets:card", args=[left_for_a_person.pk]), **HTMX)
    html = html.content.decode()
    assert "On X: mark posted with this link" in html and "Not on X: post again" in html
    assert reverse("tweets:mark_posted", args=[left_for_a_person.pk]) in html
    assert 'hx-trigger="every 2s"' not in html


@pytest.mark.parametrize("link", ["", "not a link", "https://x.com/bot/status/", "9" * 40])
def test_marking_posted_with_a_link_that_is_no_post_says_so_and_changes_nothing(
    logged_in, left_for_a_person, link
):
    url = reverse("tweets:mark_posted", args=[left_for_a_person.pk])
    response = logged_in.post(url, {"link": link}, **HTMX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    left_for_a_person.refresh_from_db()
    assert left_for_a_person.state == State.UNKNOWN


def test_marking_posted_with_an_x_link_settles_the_card(logged_in, left_for_a_person, settings):
    settings.X_API_BASE_URL = settings.SANDBOX_BASE_URL = "http://127.0.0.1:9"  # unreadable
    url = reverse("tweets:mark_posted", args=[left_for_a_person.pk])
    link = "https://x.com/someone/status/1790000000000000001?s=20"
    response = logged_in.post(url, {"link": link}, **HTMX)
    assert "Posted" in response.content.decode()
    left_for_a_person.refresh_from_db()
    assert (left_for_a_person.state, left_for_a_person.x_post_id) == (
        State.POSTED,
        "1790000000000000001",
    )


def test_not_on_x_puts_the_tweet_back_in_the_queue(logged_in, left_for_a_person):
    url = reverse("tweets:post_again", args=[left_for_a_person.pk])
    response = logged_in.post(url, **HTMX)
    assert "Queued" in response.content.decode()
    left_for_a_person.refresh_from_db()
    assert left_for_a_person.state == State.APPROVED


@pytest.mark.parametrize("until", ["9999-12-31", "0001-01-01"])
def test_history_to_the_ends_of_the_calendar_is_a_page_and_a_whole_csv(logged_in, bot, until):
    make_tweet(bot=bot, text="Tweet one")
    filters = {"since": "0001-01-01", "until": until}
    page = logged_in.get(reverse("tweets:history", args=[bot.pk]), filters)
    assert page.status_code == 200
    export = logged_in.get(reverse("tweets:history_csv", args=[bot.pk]), filters)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == (2 if until == "9999-12-31" else 1)


def test_the_review_queue_ignores_a_bot_id_that_is_not_a_number(logged_in, draft):
    for value in ("²", "٣x", "9" * 40, "-1"):
        response = logged_in.get(reverse("tweets:review"), {"bot": value, "after": value})
        assert response.status_code == 200, value


def test_the_history_leads_to_an_unknown_tweet_left_for_a_person_and_its_page_settles_it(
    logged_in, left_for_a_person
):
    history = logged_in.get(reverse("tweets:history", args=[left_for_a_person.bot_id]))
    assert reverse("tweets:edit", args=[left_for_a_person.pk]) in history.content.decode()
    page = logged_in.get(reverse("tweets:edit", args=[left_for_a_person.pk])).content.decode()
    assert "On X: mark posted with this link" in page and "Not on X: post again" in page
    assert "<textarea" not in page


def test_the_review_queue_offers_a_bot_picker_not_every_bot(logged_in, owner):
    from bots.picker import SUGGESTIONS

    for n in range(SUGGESTIONS + 10):
        make_bot(name=f"Flock {n:03}", owners=[owner])
    html = logged_in.get(reverse("tweets:review")).content.decode()
    assert html.count("<option") == SUGGESTIONS
    assert '<label>Bot <input type="text" name="bot"' in html


def test_the_review_queue_filters_by_a_bots_name_and_says_when_there_is_none(
    logged_in, owner, draft
):
    second = make_bot(owners=[owner], name="Second")
    make_tweet(bot=second, text="From the second bot")
    by_name = logged_in.get(reverse("tweets:review"), {"bot": "second"}).content.decode()
    unknown = logged_in.get(reverse("tweets:review"), {"bot": "Moriarty"}).content.decode()
    assert "From the second bot" in by_name and draft.text not in by_name
    assert "None of your bots is called “Moriarty”." in unknown
    assert draft.text not in unknown and "From the second bot" not in unknown


def test_the_live_count_counts_as_the_bots_network_does(logged_in, owner, mastodon_account):
    toots = make_mastodon_bot(mastodon_account, owners=[owner])
    text = "a" * 400
    as_x = logged_in.post(reverse("tweets:count"), {"text": text})
    as_mastodon = logged_in.post(reverse("tweets:count"), {"text": text, "bot": toots.pk})
    assert "400 / 280" in as_x.content.decode() and "over" in as_x.content.decode()
    assert "400 / 500" in as_mastodon.content.decode()
    assert "over" not in as_mastodon.content.decode()


def test_the_live_count_of_someone_elses_bot_is_not_found(logged_in, mastodon_account):
    theirs = make_mastodon_bot(mastodon_account)
    answer = logged_in.post(reverse("tweets:count"), {"text": "Hi", "bot": theirs.pk})
    assert answer.status_code == 404
