"""A bot's page: settings with write-only credentials, pause and resume, generating drafts."""

import pytest
from django.urls import reverse

from tests.conftest import SECRETS
from tweets.models import GenerationJob

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


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
    )
    assert response.status_code == 400
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
        reverse("bots:generate", args=[bot.pk]), {"count": 3, "seed": "two words"}
    )
    assert response.status_code == 400
    assert "A seed is one word." in response.content.decode()
    assert not GenerationJob.objects.exists()
