"""A form that failed comes back as a GET at its section, the banner at the top naming and
linking each field, each error once; a reload is a plain page, never a 405; secrets are never
kept in the session."""

from django.urls import reverse

from tests.dashboard.test_views import SCHEDULE


def test_a_failed_schedule_lands_on_its_section_with_a_banner_linking_the_field(logged_in, bot):
    url = reverse("bots:schedule", args=[bot.pk])

    response = logged_in.post(url, {**SCHEDULE, "time_zone": "Mars/Olympus"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(f"/bots/{bot.pk}/#form-banner", 302)]
    banner = html[html.index('id="form-banner"') : html.index("</div>", html.index("form-banner"))]
    assert "The schedule was not saved" in banner
    assert '<a href="#id_time_zone">Time zone</a>' in banner
    assert html.count("is not a time zone name") == 1
    assert 'value="Mars/Olympus"' in html


def test_a_reload_after_a_failed_save_is_the_plain_page(logged_in, bot):
    failed = logged_in.post(
        reverse("bots:schedule", args=[bot.pk]), {**SCHEDULE, "time_zone": "Mars/Olympus"}
    )

    first = logged_in.get(failed.url)
    reload = logged_in.get(failed.url)

    assert first.status_code == reload.status_code == 200
    assert 'id="form-banner"' in first.content.decode()
    assert 'id="form-banner"' not in reload.content.decode()


def test_typed_credentials_are_never_kept_in_the_session(logged_in, bot):
    logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {
            "handle": "has spaces",
            "platform": "sandbox",
            "posting_mode": "review",
            "daily_post_cap": 1,
            "consumer_secret": "typed-secret-never-stored",
        },
    )

    kept = logged_in.session["failed_form"]
    assert "consumer_secret" not in kept["data"]
    assert "typed-secret-never-stored" not in str(kept)
    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert "typed-secret-never-stored" not in page


def test_the_schedule_shows_times_as_hours_and_minutes_and_whole_minutes(logged_in, bot):
    logged_in.post(reverse("bots:schedule", args=[bot.pk]), SCHEDULE)
    logged_in.post(
        reverse("bots:listener", args=[bot.pk]),
        {
            "enabled": "on",
            "keywords": "night",
            "reply_mode": "review",
            "max_replies_per_conversation": "3",
            "max_replies_per_hour": "10",
            "cooldown_minutes": "15",
        },
    )

    html = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()

    assert 'name="quiet_start" value="22:00"' in html
    assert "22:00:00" not in html
    assert 'name="cooldown_minutes" value="15"' in html
