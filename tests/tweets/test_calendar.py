"""The calendar: what goes out when, each entry on its bot's own day and clock, in a few
queries however many tweets and bots."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bots.models import Bot, Schedule
from bots.schedule import save_schedule
from tests.conftest import SECRETS
from tests.factories import make_bot, make_tweet, make_user
from tweets.calendar import (
    ENTRIES_PER_DAY,
    build_calendar,
    tweets_by_day,
    tweets_by_day_portably,
    view_range,
)
from tweets.models import Tweet

State = Tweet.State
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday


def entries_on(calendar, day):
    return next(d for d in calendar.days if d.date == day).entries


def test_a_week_runs_monday_to_sunday_and_a_month_first_to_last():
    assert view_range("week", date(2026, 12, 3)) == (
        date(2026, 11, 30),
        date(2026, 12, 6),
        date(2026, 11, 23),
        date(2026, 12, 7),
    )
    assert view_range("month", date(2026, 12, 17)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        date(2026, 11, 1),
        date(2027, 1, 1),
    )


def test_it_places_queued_and_posted_tweets_on_their_bots_day(bot):
    Schedule.objects.create(bot=bot, time_zone="Asia/Tokyo", enabled=False)
    # 20:00 UTC on Tuesday is 05:00 on Wednesday in Tokyo.
    at = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    # As approve_tweet queues it: for its time, due then.
    queued = make_tweet(bot=bot, state=State.APPROVED, scheduled_for=at, next_attempt_at=at)
    posted = make_tweet(
        bot=bot, state=State.POSTED, posted_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    )
    make_tweet(bot=bot, text="A draft is not on the calendar")
    calendar = build_calendar(
        Bot.objects.all(), view="week", start=date(2026, 12, 1), today=NOW.date(), now=NOW
    )
    assert [entry.tweet for entry in entries_on(calendar, date(2026, 12, 2))] == [queued]
    assert [entry.tweet for entry in entries_on(calendar, date(2026, 11, 30))] == [posted]
    assert entries_on(calendar, date(2026, 12, 2))[0].local.hour == 5
    assert sum(len(day.entries) for day in calendar.days) == 2


def test_it_lists_coming_slots_and_puts_waiting_tweets_on_them_oldest_first(bot):
    save_schedule(
        bot, kind=Schedule.Kind.TIMES, times_of_day=["09:00", "18:00"], time_zone="Europe/Paris"
    )
    older = make_tweet(
        bot=bot, state=State.APPROVED, awaits_slot=True, approved_at=NOW - timedelta(hours=2)
    )
    newer = make_tweet(
        bot=bot, state=State.APPROVED, awaits_slot=True, approved_at=NOW - timedelta(hours=1)
    )
    calendar = build_calendar(
        Bot.objects.all(), view="week", start=date(2026, 12, 1), today=NOW.date(), now=NOW
    )
    tuesday = entries_on(calendar, date(2026, 12, 1))
    # 12:00 UTC is 13:00 in Paris: 09:00 has gone, 18:00 takes the older waiting tweet.
    assert [(entry.local.time(), entry.tweet) for entry in tuesday] == [(time(18, 0), older)]
    wednesday = entries_on(calendar, date(2026, 12, 2))
    assert [(entry.local.time(), entry.tweet) for entry in wednesday] == [
        (time(9, 0), newer),
        (time(18, 0), None),
    ]
    assert all(entry.is_slot for entry in tuesday + wednesday)
    assert len(entries_on(calendar, date(2026, 12, 6))) == 2
    assert entries_on(calendar, date(2026, 11, 30)) == []  # no slots in the past


def test_a_paused_bot_has_no_slots(bot):
    save_schedule(bot, every_minutes=60)
    Bot.objects.filter(pk=bot.pk).update(is_active=False)
    calendar = build_calendar(
        Bot.objects.all(), view="week", start=date(2026, 12, 1), today=NOW.date(), now=NOW
    )
    assert not any(entry.is_slot for day in calendar.days for entry in day.entries)


def test_a_month_counts_a_busy_schedules_slots_per_day(bot):
    save_schedule(bot, every_minutes=1, now=NOW)
    calendar = build_calendar(
        Bot.objects.all(), view="month", start=date(2026, 12, 1), today=NOW.date(), now=NOW
    )
    counts = [count for day in calendar.days for _, count in day.slot_counts]
    assert counts and sum(counts) <= 31 * 48


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_the_page_shows_my_bots_tweets_with_their_zone_and_a_move_form(logged_in, bot):
    Schedule.objects.create(bot=bot, time_zone="Europe/Paris", enabled=False)
    at = timezone.now() + timedelta(hours=2)
    tweet = make_tweet(
        bot=bot, text="Going out soon.", state=State.APPROVED, scheduled_for=at, next_attempt_at=at
    )
    make_tweet(
        bot=make_bot(owners=[make_user()]),
        text="Not mine.",
        state=State.APPROVED,
        scheduled_for=at,
        next_attempt_at=at,
    )
    # The week that holds the tweet in its bot's zone: two hours on may be next week's Monday.
    week = at.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()
    html = logged_in.get(reverse("tweets:calendar"), {"start": week}).content.decode()
    assert "Going out soon." in html
    assert "Not mine." not in html
    assert reverse("tweets:edit", args=[tweet.pk]) in html
    assert reverse("tweets:reschedule", args=[tweet.pk]) in html
    assert " CET" in html or " CEST" in html


def test_the_page_filters_by_bot_and_shows_a_month(logged_in, owner, bot):
    other = make_bot(owners=[owner], name="Other")
    at = timezone.now() + timedelta(hours=2)
    make_tweet(bot=bot, text="From the first.", state=State.APPROVED, next_attempt_at=at)
    make_tweet(bot=other, text="From the other.", state=State.APPROVED, next_attempt_at=at)
    html = logged_in.get(
        reverse("tweets:calendar"), {"bot": other.pk, "view": "month"}
    ).content.decode()
    assert "From the other." in html
    assert "From the first." not in html
    assert "view-month" in html


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-02-30"},
        {"view": "year"},
        {"bot": "Nobody"},
        {"start": "99999-01-01"},
        {"group": "x"},
    ],
)
def test_bad_filters_say_so_and_show_the_default_calendar(logged_in, bot, query):
    response = logged_in.get(reverse("tweets:calendar"), query)
    assert response.status_code == 200
    if "group" not in query:
        assert 'class="error" role="alert"' in response.content.decode()


def test_the_page_reads_the_tweets_in_one_query_however_many(logged_in, owner):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert logged_in.get(reverse("tweets:calendar")).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    def add_bots(count):
        for _ in range(count):
            bot = make_bot(owners=[owner], credentials=SECRETS)
            save_schedule(bot, every_minutes=240, time_zone="Europe/Paris")
            for hours in range(1, 4):
                make_tweet(
                    bot=bot,
                    state=State.APPROVED,
                    next_attempt_at=timezone.now() + timedelta(hours=hours),
                )
            make_tweet(bot=bot, state=State.POSTED, posted_at=timezone.now())
            make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True)

    add_bots(1)
    few = queries()
    add_bots(6)
    many = queries()
    assert len(many) == len(few)
    assert len([sql for sql in many if 'FROM "tweets_tweet"' in sql]) == 1


def test_a_busy_day_lists_the_earliest_tweets_and_says_there_are_more(bot, monkeypatch):
    monkeypatch.setitem(ENTRIES_PER_DAY, "week", 3)
    posted = [
        make_tweet(
            bot=bot,
            state=State.POSTED,
            posted_at=datetime(2026, 11, 30, 8, minute, tzinfo=UTC),
            x_post_id=str(minute),
        )
        for minute in range(5)
    ]
    queued = make_tweet(
        bot=bot, state=State.APPROVED, next_attempt_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    )
    calendar = build_calendar(
        Bot.objects.all(), view="week", start=date(2026, 12, 1), today=NOW.date(), now=NOW
    )
    monday = next(day for day in calendar.days if day.date == date(2026, 11, 30))
    tuesday = next(day for day in calendar.days if day.date == date(2026, 12, 1))
    assert [entry.tweet for entry in monday.entries] == posted[:3]
    assert monday.more
    assert [entry.tweet for entry in tuesday.entries] == [queued]
    assert not tuesday.more


def test_the_page_links_a_busy_day_of_one_bot_to_its_history(logged_in, bot, monkeypatch):
    monkeypatch.setitem(ENTRIES_PER_DAY, "week", 1)
    for minute in (0, 1):
        at = datetime(2026, 12, 1, 12, minute, tzinfo=UTC)
        make_tweet(bot=bot, state=State.APPROVED, next_attempt_at=at)
    week = {"start": "2026-12-01"}

    html = logged_in.get(reverse("tweets:calendar"), {"bot": bot.pk, **week}).content.decode()
    everyone = logged_in.get(reverse("tweets:calendar"), week).content.decode()

    assert f"{bot.name}'s history of the day" in html or f"{bot.name}&#x27;s history" in html
    assert reverse("tweets:history", args=[bot.pk]) + "?since=" in html
    assert "choose a bot to see them all" in everyone


def test_the_portable_reading_gives_what_the_postgresql_query_gives(bot):
    # SQLite (make run's default) has no arrays or LATERAL joins: the ORM reads the same
    # tweets, each day's earliest up to the limit and one more, and those waiting a slot.
    other = make_bot(name="Other", owners=[])
    for minute in range(6):
        make_tweet(
            bot=bot,
            state=State.POSTED,
            posted_at=datetime(2026, 11, 30, 8, minute, tzinfo=UTC),
            x_post_id=str(minute),
        )
    make_tweet(bot=other, state=State.POSTED, posted_at=datetime(2026, 11, 30, 9, tzinfo=UTC))
    for hour in (9, 10):
        make_tweet(
            bot=bot, state=State.APPROVED, next_attempt_at=datetime(2026, 12, 1, hour, tzinfo=UTC)
        )
    make_tweet(bot=bot, state=State.APPROVED, awaits_slot=True, approved_at=NOW)
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    days = [(monday + timedelta(days=n), monday + timedelta(days=n + 1)) for n in range(2)]
    ask = {"limit": 3, "scheduled": [bot.pk]}

    def read(tweets):
        return sorted((tweet.pk, tweet.day, tweet.at) for tweet in tweets)

    portable = read(tweets_by_day_portably([bot.pk], days, **ask))
    assert portable == read(tweets_by_day([bot.pk], days, **ask))
    assert len(portable) == 4 + 2 + 1, "4 of the 6 posts of Monday, the 2 queued, 1 waiting"
