"""The bot page and its forms: settings with write-only credentials, pause and resume,
generating drafts and a job's own drafts, the schedule and listening forms saved through their
services (every mistake answered with a message on the page, nothing saved)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bots import spend
from bots.bluesky_accounts import connect_bluesky_account
from bots.models import Listener, Schedule
from corpora.models import BotCorpus
from corpora.services import build_corpus_model, link_corpus
from dashboard import stats
from platforms.base import Call
from tests.conftest import SECRETS, make_mastodon_bot
from tests.factories import make_bot, make_corpus, make_operator, make_tweet
from tweets.drafting import run_generation_job
from tweets.models import GenerationJob
from xsandbox.bluesky.accounts import ensure_account

TEXT = (
    Path(__file__).resolve().parents[2] / "project" / "demo" / "texts" / "adventures-1-6.txt"
).read_text()[:40_000]


def test_a_jobs_page_shows_its_own_drafts_and_no_others_made_at_the_same_moment(client, owner, bot):
    corpus = make_corpus(text=TEXT)
    build_corpus_model(corpus)
    BotCorpus.objects.create(bot=bot, corpus=corpus)
    mine, other = (GenerationJob.objects.create(bot=bot, count=2) for _ in range(2))
    GenerationJob.objects.filter(pk__in=[mine.pk, other.pk]).update(created_at=timezone.now())
    run_generation_job(other)
    reply = make_tweet(bot=bot, text="A reply drafted meanwhile.", in_reply_to_post_id="5")
    run_generation_job(mine)
    assert mine.drafts.count() == other.drafts.count() == 2

    client.force_login(owner)
    html = client.get(reverse("bots:generation_job", args=[bot.pk, mine.pk])).content.decode()
    # As the page writes them: a sentence with an apostrophe is escaped.
    for draft in mine.drafts.all():
        assert escape(draft.text) in html
    for draft in [*other.drafts.all(), reply]:
        assert escape(draft.text) not in html


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_bot_page_never_shows_a_credential(logged_in, bot):
    html = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert bot.name in html
    assert "Saved. Leave blank to keep it" in html
    for secret in SECRETS.values():
        assert secret not in html


def test_saving_settings_with_blank_credentials_keeps_them(logged_in, bot):
    response = logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {
            "handle": "@renamed",
            "platform": "sandbox",
            "posting_mode": "autopilot",
            "daily_post_cap": 5,
        },
    )
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.handle == "renamed" and bot.daily_post_cap == 5
    assert bot.credentials().consumer_secret == SECRETS["consumer_secret"]


def test_bad_settings_are_explained_and_change_nothing(logged_in, bot):
    response = logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {
            "handle": "has spaces",
            "platform": "sandbox",
            "posting_mode": "review",
            "daily_post_cap": 0,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in response.content.decode()
    assert "An X handle is 1 to 15 letters" in response.content.decode()
    bot.refresh_from_db()
    assert bot.handle != "has spaces"


def test_pause_and_resume(logged_in, bot):
    logged_in.post(reverse("bots:pause", args=[bot.pk]))
    bot.refresh_from_db()
    assert not bot.is_active
    logged_in.post(reverse("bots:resume", args=[bot.pk]))
    bot.refresh_from_db()
    assert bot.is_active


def test_generate_queues_a_job_after_commit_and_shows_its_progress(
    logged_in, bot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = logged_in.post(
            reverse("bots:generate", args=[bot.pk]), {"count": 3, "seed": "Watson"}, **HTMX
        )
    job = GenerationJob.objects.get(bot=bot)
    assert (job.count, job.seed_word, job.state) == (3, "Watson", "queued")
    assert len(callbacks) == 1
    assert "Waiting for a worker to write 3 drafts" in response.content.decode()


def test_generate_refuses_two_seed_words(logged_in, bot):
    response = logged_in.post(
        reverse("bots:generate", args=[bot.pk]), {"count": 3, "seed": "two words"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in response.content.decode()
    assert "A seed is one word." in response.content.decode()
    assert not GenerationJob.objects.exists()


SCHEDULE = {
    "enabled": "on",
    "kind": "interval",
    "every": "3",
    "unit": "hours",
    "times_of_day": "",
    "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
    "time_zone": "Europe/Paris",
    "jitter_minutes": "10",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
}


def test_it_saves_a_schedule_and_shows_the_next_slot(logged_in, bot):
    response = logged_in.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE, follow=True)

    schedule = Schedule.objects.get(bot=bot)
    assert (schedule.every_minutes, schedule.time_zone, schedule.jitter_minutes) == (
        180,
        "Europe/Paris",
        10,
    )
    assert schedule.next_run_at is not None
    html = response.content.decode()
    assert "Schedule saved: every 3 h (Europe/Paris), up to 10 min late at random" in html
    assert "Next slot:" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "is not a time zone name"),
        ({"jitter_minutes": "200"}, "Jitter must be shorter than the interval."),
        ({"kind": "times", "times_of_day": ""}, "Give at least one time of day."),
        ({"kind": "times", "times_of_day": "25:99"}, "is not a time of day like 09:30"),
        ({"kind": "times", "times_of_day": "09:00", "weekdays": []}, "Choose at least one day"),
        ({"quiet_end": ""}, "Give both ends of the quiet hours, or neither."),
        ({"every": "0"}, "greater than or equal to 1"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_message(logged_in, bot, change, message):
    response = logged_in.post(
        reverse("bots:schedule", args=[bot.pk]), {**SCHEDULE, **change}, follow=True
    )

    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in response.content.decode()
    assert message in response.content.decode()
    assert not Schedule.objects.filter(bot=bot).exists()


def test_it_saves_what_the_bot_listens_for(logged_in, bot):
    response = logged_in.post(
        reverse("bots:listener", args=[bot.pk]),
        {
            "enabled": "on",
            "keywords": "Door, window;  door",
            "reply_mode": "autopilot",
            "confirm_reply_rule": "on",
            "max_replies_per_conversation": "2",
            "max_replies_per_hour": "6",
            "cooldown_minutes": "30",
        },
    )

    assert response.status_code == 302
    listener = Listener.objects.get(bot=bot)
    assert listener.keywords == ["door", "window"]
    assert listener.cooldown == timedelta(minutes=30)
    assert (listener.reply_mode, listener.max_replies_per_conversation) == ("autopilot", 2)


def test_listening_without_a_keyword_is_refused(logged_in, bot):
    response = logged_in.post(
        reverse("bots:listener", args=[bot.pk]),
        {
            "enabled": "on",
            "keywords": " , ",
            "reply_mode": "review",
            "max_replies_per_conversation": "3",
            "max_replies_per_hour": "10",
            "cooldown_minutes": "15",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in response.content.decode()
    assert "Give at least one keyword to listen for." in response.content.decode()
    assert not Listener.objects.exists()


def test_the_dashboard_shows_the_next_scheduled_slot(logged_in, bot):
    logged_in.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE)

    html = logged_in.get(reverse("dashboard")).content.decode()

    assert "Next scheduled slot" in html
    assert "from now" in html


def test_the_dashboard_charts_the_posts_counted_each_day_not_the_reads(logged_in, owner, bot):
    today = spend.spend_day(timezone.now())
    spend.add_spend(bot.pk, call=Call.POST, day=today, calls=3, cost=Decimal("0.03"))
    spend.add_spend(bot.pk, call=Call.POST_WITH_URL, day=today, calls=1, cost=Decimal("0.2"))
    spend.add_spend(bot.pk, call=Call.POST_READ, day=today, calls=40, cost=Decimal("0.2"))
    spend.add_spend(
        bot.pk, call=Call.POST, day=today - timedelta(days=30), calls=9, cost=Decimal("0")
    )
    theirs = make_bot(owners=[make_operator()])
    spend.add_spend(theirs.pk, call=Call.POST, day=today, calls=5, cost=Decimal("0.05"))

    html = logged_in.get(reverse("dashboard")).content.decode()

    assert "last 30 days: 4 in all, at most 4 a day." in html


def test_the_dashboard_lists_the_flock_a_page_at_a_time(logged_in, owner):
    for n in range(stats.BOTS_PER_PAGE + 1):
        make_bot(owners=[owner], name=f"Flock {n:03}")

    first = logged_in.get(reverse("dashboard")).content.decode()
    second = logged_in.get(reverse("dashboard"), {"page": 2}).content.decode()

    assert stats.BOTS_PER_PAGE == 50
    assert "Flock 049" in first and "Flock 050" not in first
    assert "Flock 050" in second and "Flock 000" not in second
    assert "Page 1 of 2" in first


def test_the_admin_shows_the_schedule_and_sends_changes_to_the_bot_page(client, superuser, bot):
    client.force_login(superuser)
    client.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE)

    html = client.get(reverse("admin:bots_bot_change", args=[bot.pk])).content.decode()

    assert "Posts every 3 h (Europe/Paris)" in html
    assert f"{reverse('bots:detail', args=[bot.pk])}#schedule" in html


def test_the_dashboard_and_the_bot_page_lead_to_the_composer_and_calendar(logged_in, bot):
    dashboard = logged_in.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("tweets:compose")}"' in dashboard
    assert f'href="{reverse("tweets:calendar")}"' in dashboard
    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert f'href="{reverse("tweets:compose")}?bot={bot.pk}"' in page
    assert f'href="{reverse("tweets:calendar")}?bot={bot.pk}"' in page


def test_the_dashboard_says_why_a_paused_or_out_of_credit_bot_posts_nothing(logged_in, bot):
    make_tweet(bot=bot, state="approved", next_attempt_at=timezone.now() - timedelta(seconds=15))
    bot.out_of_credit_reason = "402"
    bot.save()

    html = logged_in.get(reverse("dashboard")).content.decode()

    assert "Out of X credit: queued tweets wait until you top up" in html
    assert "seconds ago" not in html


def test_a_generation_failure_goes_once_a_corpus_is_linked(logged_in, bot, owner):
    GenerationJob.objects.create(
        bot=bot, count=3, state="failed", error=f"{bot.name} has no ready corpus to speak from."
    )
    page = reverse("bots:detail", args=[bot.pk])
    assert "No drafts:" in logged_in.get(page).content.decode()

    corpus = make_corpus(text="The sea was calm. The light was on.", created_by=owner)
    link_corpus(corpus, bot=bot, weight=1.0, by=owner)

    assert "No drafts:" not in logged_in.get(page).content.decode()


def test_one_post_is_one_post(logged_in, bot):
    bot.daily_post_cap = 1
    bot.save()

    html = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()

    assert "at most 1 post a day" in html
    assert "1 posts" not in html


def test_a_refused_generate_from_the_page_shows_its_error_where_the_jobs_appear(logged_in, bot):
    response = logged_in.post(
        reverse("bots:generate", args=[bot.pk]), {"count": 3, "seed": "two words"}, **HTMX
    )

    assert response.status_code == 200
    assert "Seed word: A seed is one word." in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_every_page_of_a_mastodon_bot_works_and_counts_its_posts(client, mastodon_account):
    owner = make_operator()
    toots = make_mastodon_bot(mastodon_account, owners=[owner])
    make_tweet(
        bot=toots,
        text="Posted toot",
        state="posted",
        x_post_id="113000000000000001",
        posted_at=timezone.now(),
    )
    client.force_login(owner)
    pages = [
        reverse("dashboard"),
        reverse("bots:detail", args=[toots.pk]),
        reverse("bots:gallery", args=[toots.pk]),
        reverse("tweets:history", args=[toots.pk]),
        reverse("tweets:review"),
        reverse("bots:groups"),
        reverse("bots:new"),
    ]
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
    detail = client.get(reverse("bots:detail", args=[toots.pk])).content.decode()
    assert "aurora@localhost" in detail
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "@aurora@localhost · Mastodon sandbox" in dashboard
    assert (
        "/xsandbox/mastodon/@aurora/113000000000000001"
        in client.get(reverse("tweets:history", args=[toots.pk])).content.decode()
    )


def test_a_bluesky_bot_shows_on_every_page_with_links_to_its_posts(client, owner, credential_keys):
    bot = make_bot(
        owners=[owner],
        name="Sky",
        handle="sky.bsky.social",
        platform="bluesky",
        credentials={"app_password": "abcd-efgh-ijkl-mnop"},
    )
    uri = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3m6xggvri222g"
    make_tweet(
        bot=bot, text="Posted on Bluesky", state="posted", x_post_id=uri, posted_at=timezone.now()
    )
    make_tweet(bot=bot, text="A draft for Bluesky")
    client.force_login(owner)
    link = "https://bsky.app/profile/sky.bsky.social/post/3m6xggvri222g"
    for url in (
        reverse("dashboard"),
        reverse("bots:detail", args=[bot.pk]),
        reverse("tweets:history", args=[bot.pk]),
        reverse("tweets:review"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Sky" in response.content.decode()
    assert link in client.get(reverse("tweets:history", args=[bot.pk])).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "@sky.bsky.social · Bluesky</span>" in dashboard, "a real network: no sandbox"
    assert "abcd-efgh" not in client.get(reverse("bots:detail", args=[bot.pk])).content.decode()


# The settings' credentials follow the bot's network ----------------------------------------


def _settings(bot, **changes):
    form = {
        "handle": bot.handle,
        "platform": bot.platform,
        "posting_mode": bot.posting_mode,
        "daily_post_cap": bot.daily_post_cap,
    }
    return {**form, **changes}


def test_an_x_bots_settings_take_its_four_keys_write_only(logged_in, bot):
    html = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    for name in ("consumer_key", "consumer_secret", "access_token", "access_token_secret"):
        assert f'name="{name}"' in html
    assert 'name="app_password"' not in html
    assert "from the developer portal" in html
    logged_in.post(reverse("bots:settings", args=[bot.pk]), _settings(bot, access_token="new-one"))
    bot.refresh_from_db()
    assert bot.credentials().access_token == "new-one"


@pytest.fixture
def mastodon_bot(mastodon_account, owner):
    bot = make_mastodon_bot(mastodon_account)
    bot.owners.add(owner)
    return bot


def test_a_mastodon_bots_settings_have_no_keys_and_lead_to_reconnect(logged_in, mastodon_bot):
    html = logged_in.get(reverse("bots:detail", args=[mastodon_bot.pk])).content.decode()
    for name in ("consumer_key", "access_token", "app_password"):
        assert f'name="{name}"' not in html
    assert "A Mastodon account has no keys to type: Reconnect signs in" in html
    assert html.count(reverse("bots:reconnect", args=[mastodon_bot.pk])) >= 2
    assert "X keys" not in html and "developer portal" not in html

    token = mastodon_bot.credentials().access_token
    response = logged_in.post(
        reverse("bots:settings", args=[mastodon_bot.pk]),
        _settings(mastodon_bot, daily_post_cap=7, access_token="typed-anyway"),
    )
    assert response.status_code == 302
    mastodon_bot.refresh_from_db()
    assert mastodon_bot.daily_post_cap == 7
    assert mastodon_bot.credentials().access_token == token


@pytest.fixture
def bluesky_bot(sandbox, transactional_db, credential_keys, owner):
    account, password = ensure_account("dora.bsky.sandbox.test", name="Dora")
    return connect_bluesky_account(
        user=owner, platform="bluesky_sandbox", handle=account.handle, app_password=password
    ).bot


def test_a_bluesky_bots_settings_take_a_new_app_password_only(logged_in, bluesky_bot):
    html = logged_in.get(reverse("bots:detail", args=[bluesky_bot.pk])).content.decode()
    assert 'name="app_password"' in html and 'name="consumer_key"' not in html
    assert "never the main password" in html.lower()
    assert "Saved. Leave blank to keep it" in html


def test_a_new_app_password_is_signed_in_with_before_it_is_saved(logged_in, bluesky_bot):
    old_session = bluesky_bot.network_session()
    _account, password = ensure_account(bluesky_bot.handle)
    response = logged_in.post(
        reverse("bots:settings", args=[bluesky_bot.pk]),
        _settings(bluesky_bot, app_password=password),
        follow=True,
    )
    assert "Checking the new credentials with the Bluesky sandbox now" in response.content.decode()
    bot = type(bluesky_bot).objects.get(pk=bluesky_bot.pk)
    assert bot.credentials().app_password == password
    assert bot.network_session() != old_session
    assert password not in response.content.decode()


def test_a_refused_app_password_is_a_form_error_and_saves_nothing(logged_in, bluesky_bot):
    old_password = bluesky_bot.credentials().app_password
    response = logged_in.post(
        reverse("bots:settings", args=[bluesky_bot.pk]),
        _settings(bluesky_bot, daily_post_cap=3, app_password="abcd-efgh-ijkl-mnop"),
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "The settings were not saved" in html and "did not accept these credentials" in html
    assert "abcd-efgh-ijkl-mnop" not in html
    bot = type(bluesky_bot).objects.get(pk=bluesky_bot.pk)
    assert bot.credentials().app_password == old_password and bot.daily_post_cap != 3


def test_the_bot_page_names_the_bots_network_not_x(logged_in, bluesky_bot):
    html = logged_in.get(reverse("bots:detail", args=[bluesky_bot.pk])).content.decode()
    assert "Spent on Bluesky this month" in html and "Bluesky's 24-hour limit" in html
    assert "Spent on X" not in html and "X's 24-hour" not in html
