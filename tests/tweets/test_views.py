"""The review queue: what a person sees and does, with and without htmx."""

import csv
import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from bots.models import Schedule
from tests.conftest import make_mastodon_bot
from tests.factories import make_bot, make_image, make_tweet, make_user
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


def test_a_mastodon_draft_is_edited_by_its_instances_limit_not_xs(
    logged_in, owner, mastodon_account
):
    bot = make_mastodon_bot(mastodon_account, owners=[owner])
    draft = make_tweet(bot=bot, text="The tide turns.")
    url = reverse("tweets:edit", args=[draft.pk])

    logged_in.post(url, {"text": "a" * 400}, **HTMX)
    draft.refresh_from_db()
    assert draft.text == "a" * 400, "past X's 280, within the instance's 500"

    html = logged_in.post(url, {"text": "b" * 501}, **HTMX).content.decode()
    assert "501 characters as Mastodon counts them; the limit is 500" in html
    draft.refresh_from_db()
    assert draft.text == "a" * 400


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


# Times on the bot's clock, the empty "Approve for then", bulk actions that keep the filter ---


def paris(bot):
    Schedule.objects.create(bot=bot, time_zone="Europe/Paris", enabled=False)
    bot.refresh_from_db()
    return bot


def test_post_at_on_a_card_is_read_in_the_bots_time_zone(logged_in, bot, draft):
    paris(bot)
    response = logged_in.post(
        reverse("tweets:approve_at", args=[draft.pk]), {"at": "2099-12-01T18:30"}, **HTMX
    )
    draft.refresh_from_db()
    assert draft.scheduled_for == datetime(2099, 12, 1, 17, 30, tzinfo=UTC)
    assert "Queued for Tue 1 Dec, 18:30 CET" in response.content.decode()


def test_the_review_card_names_the_zone_of_post_at(logged_in, bot, draft):
    paris(bot)
    html = logged_in.get(reverse("tweets:review")).content.decode()
    assert 'Post at <span class="muted">(Europe/Paris, CE' in html


def test_an_empty_approve_for_then_says_so_and_leaves_the_draft(logged_in, draft):
    response = logged_in.post(reverse("tweets:approve_at", args=[draft.pk]), {"at": ""}, **HTMX)
    assert "Choose a date and time to approve it for." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_time_the_clock_skips_is_refused_with_its_zone(logged_in, bot, draft):
    paris(bot)
    response = logged_in.post(
        reverse("tweets:approve_at", args=[draft.pk]), {"at": "2099-03-29T02:30"}, **HTMX
    )
    assert response.status_code == 200
    assert "interpreted in time zone Europe/Paris" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_bulk_actions_return_to_the_same_filter(logged_in, bot, draft):
    url = reverse("tweets:bulk") + f"?bot={bot.pk}"
    response = logged_in.post(url, {"action": "reject", "tweets": [draft.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("tweets:review") + f"?bot={bot.pk}"


def test_the_review_queue_hints_every_key_and_links_the_composer(logged_in, draft):
    html = logged_in.get(reverse("tweets:review")).content.decode()
    for key in ["j", "k", "a", "r", "e", "x", "Esc"]:
        assert f"<kbd>{key}</kbd>" in html
    assert reverse("tweets:compose") in html
    assert reverse("tweets:calendar") in html


def test_a_card_previews_its_images_with_an_alt_text_marker(logged_in, bot, draft):
    described = make_image(bot=bot, alt_text="A lamp at dusk")
    bare = make_image(bot=bot, color=(10, 10, 10))
    draft.tweetimage_set.create(image=described, position=0)
    draft.tweetimage_set.create(image=bare, position=1)
    html = logged_in.get(reverse("tweets:card", args=[draft.pk]), **HTMX).content.decode()
    assert 'title="A lamp at dusk">ALT<' in html
    assert "No alt text" in html


# The composer ------------------------------------------------------------------------


def compose_url(bot):
    return reverse("tweets:compose") + f"?bot={bot.pk}"


def test_the_composer_first_asks_for_the_bot(logged_in, bot):
    html = logged_in.get(reverse("tweets:compose")).content.decode()
    assert "Choose the bot that will post it" in html
    assert 'name="text"' not in html


def test_the_composer_refuses_a_bot_that_is_not_mine(logged_in):
    other = make_bot(owners=[make_user()], name="Not Mine")
    response = logged_in.get(reverse("tweets:compose"), {"bot": other.pk})
    assert response.status_code == 200
    assert "None of your bots is called" in response.content.decode()
    assert 'name="text"' not in response.content.decode()


def test_the_composer_shows_the_bots_count_gallery_and_zone(logged_in, bot):
    paris(bot)
    make_image(bot=bot, alt_text="A lamp at dusk")
    html = logged_in.get(compose_url(bot)).content.decode()
    assert "0 / 280" in html
    assert "A lamp at dusk" in html
    assert "Europe/Paris, CE" in html


def test_composing_for_review_puts_a_manual_draft_in_the_queue(logged_in, bot):
    response = logged_in.post(compose_url(bot), {"text": "By hand.", "action": "queue"})
    tweet = Tweet.objects.get()
    assert (tweet.state, tweet.source, tweet.text) == (State.DRAFT, "manual", "By hand.")
    assert response["Location"] == reverse("tweets:review") + f"?bot={bot.pk}"


def test_composing_and_approving_now_opens_the_tweets_card(logged_in, bot):
    response = logged_in.post(compose_url(bot), {"text": "Now.", "action": "approve"}, follow=True)
    tweet = Tweet.objects.get()
    assert tweet.state == State.APPROVED
    assert response.redirect_chain[-1][0] == reverse("tweets:edit", args=[tweet.pk])
    assert "Approved to post now." in response.content.decode()


def test_composing_for_a_time_reads_it_on_the_bots_clock(logged_in, bot):
    paris(bot)
    response = logged_in.post(
        compose_url(bot),
        {"text": "Later.", "action": "approve_at", "at": "2099-07-01T09:00"},
        follow=True,
    )
    tweet = Tweet.objects.get()
    assert tweet.scheduled_for == datetime(2099, 7, 1, 7, 0, tzinfo=UTC)
    assert "Queued for Wed 1 Jul, 09:00 CEST" in response.content.decode()


def test_composing_a_reply_reads_the_post_id_from_its_link(logged_in, bot):
    logged_in.post(
        compose_url(bot),
        {
            "text": "@someone A reply.",
            "action": "queue",
            "reply_to": "https://x.com/someone/status/1234567890?s=20",
        },
    )
    assert Tweet.objects.get().in_reply_to_post_id == "1234567890"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "action": "queue"}, "This field is required."),
        ({"text": "a" * 281, "action": "queue"}, "281 characters as X counts them"),
        (
            {"text": "Hi", "action": "queue", "reply_to": "https://x.com/someone"},
            "That is not a link to a post on the X sandbox",
        ),
        ({"text": "Hi", "action": "approve_at", "at": ""}, "Choose a date and time"),
        ({"text": "Hi", "action": "approve_at", "at": "2001-01-01T10:00"}, "That time has passed"),
        ({"text": "Hi", "action": "approve_at", "at": "tomorrow"}, "Enter a valid date/time."),
        ({"text": "Hi", "action": "launch"}, "Select a valid choice."),
    ],
)
def test_a_refused_composition_says_why_and_keeps_the_text(logged_in, bot, data, message):
    response = logged_in.post(compose_url(bot), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'class="banner bad" role="alert"' in html
    assert (data["text"] or "</textarea>") in html
    assert not Tweet.objects.exists()


def test_the_composer_refuses_more_images_than_the_network_takes(logged_in, bot):
    images = [make_image(bot=bot, color=(n * 40, 0, 0)) for n in range(5)]
    response = logged_in.post(
        compose_url(bot),
        {"text": "Five.", "action": "queue", "images": [image.pk for image in images]},
    )
    assert "at most 4 images" in response.content.decode()
    assert not Tweet.objects.exists()


def test_a_refused_composition_keeps_the_chosen_images_checked(logged_in, bot):
    image = make_image(bot=bot, alt_text="A lamp")
    response = logged_in.post(
        compose_url(bot), {"text": "", "action": "queue", "images": [image.pk]}
    )
    assert f'value="{image.pk}" checked' in response.content.decode()


def test_the_composer_ignores_another_bots_image(logged_in, bot, owner):
    foreign = make_image(bot=make_bot(owners=[make_user()]))
    response = logged_in.post(
        compose_url(bot), {"text": "Mine.", "action": "queue", "images": [foreign.pk]}
    )
    assert response.status_code == 400
    assert not Tweet.objects.exists()


def test_the_live_count_uses_the_bots_networks_rules(logged_in, bot):
    response = logged_in.post(reverse("tweets:count"), {"text": "hello", "bot": bot.pk}, **HTMX)
    assert "5 / 280" in response.content.decode()


# Moving a queued tweet on the calendar ------------------------------------------------


def test_moving_a_queued_tweet_reads_the_time_on_its_bots_clock(logged_in, bot):
    paris(bot)
    tweet = make_tweet(
        bot=bot, state=State.APPROVED, scheduled_for=timezone.now() + timedelta(hours=1)
    )
    response = logged_in.post(
        reverse("tweets:reschedule", args=[tweet.pk]) + "?view=month",
        {"at": "2099-12-01T18:30"},
        follow=True,
    )
    tweet.refresh_from_db()
    assert tweet.scheduled_for == datetime(2099, 12, 1, 17, 30, tzinfo=UTC)
    assert response.redirect_chain[-1][0] == reverse("tweets:calendar") + "?view=month"
    assert "Queued for Tue 1 Dec, 18:30 CET." in response.content.decode()
    assert Activity.objects.filter(action="tweet.rescheduled").count() == 1


@pytest.mark.parametrize(
    ("at", "message"),
    [("", "Choose the new date and time."), ("2001-01-01T10:00", "That time has passed")],
)
def test_a_refused_move_says_why_and_leaves_the_tweet(logged_in, bot, at, message):
    when = timezone.now() + timedelta(hours=1)
    tweet = make_tweet(bot=bot, state=State.APPROVED, scheduled_for=when)
    response = logged_in.post(
        reverse("tweets:reschedule", args=[tweet.pk]), {"at": at}, follow=True
    )
    assert message in response.content.decode()
    tweet.refresh_from_db()
    assert tweet.scheduled_for == when


def test_a_posted_tweet_cannot_be_moved(logged_in, bot):
    tweet = make_tweet(bot=bot, state=State.POSTED, posted_at=timezone.now())
    response = logged_in.post(
        reverse("tweets:reschedule", args=[tweet.pk]), {"at": "2099-01-01T10:00"}, follow=True
    )
    assert "This tweet is posted, so it cannot be rescheduled." in response.content.decode()


def test_another_persons_tweet_cannot_be_moved(logged_in):
    tweet = make_tweet(bot=make_bot(owners=[make_user()]), state=State.APPROVED)
    response = logged_in.post(
        reverse("tweets:reschedule", args=[tweet.pk]), {"at": "2099-01-01T10:00"}
    )
    assert response.status_code == 404


def test_the_review_queue_reads_each_bots_zone_with_its_drafts(logged_in, owner):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert logged_in.get(reverse("tweets:review")).status_code == 200
        return len(captured)

    def add_bots(count):
        for _ in range(count):
            bot = paris(make_bot(owners=[owner]))
            make_tweet(bot=bot)

    add_bots(1)
    few = queries()
    add_bots(5)
    assert queries() == few


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


def test_the_composer_names_the_bots_network_for_the_reply_link(logged_in, owner, mastodon_account):
    toots = make_mastodon_bot(mastodon_account, owners=[owner])
    html = logged_in.get(compose_url(toots)).content.decode()
    assert "/xsandbox/mastodon/@user/123…" in html and "x.com/handle/status" not in html
    refused = logged_in.post(
        compose_url(toots),
        {"text": "Hi", "action": "queue", "reply_to": "https://x.com/someone/status/1234567890"},
    )
    assert refused.status_code == 400
    assert "That is not a link to a post on the Mastodon sandbox" in refused.content.decode()
    assert not Tweet.objects.exists()
