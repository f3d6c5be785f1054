"""Credential health: checked on a schedule (spread over the period) and after every
401/403; a temporary error never marks them dead; a failed bot shows "Reconnect" with the
last error, and re-entering the credentials clears it and checks the new ones."""

import json
import socket
from datetime import datetime, timedelta

import redis
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from bots import health
from bots.services import verify_bot
from bots.tasks import check_credentials
from tests.conftest import SECRETS
from tests.factories import make_bot, make_tweet
from tests.integration.world import set_faults
from tweets import posting

NOW = timezone.make_aware(datetime(2026, 11, 20, 12, 0))


def test_a_check_records_its_time_and_an_ok_in_the_log(sandbox_bot, account):
    outcome = verify_bot(sandbox_bot, actor="worker", now=NOW, clears_flag=False)
    assert outcome.ok
    sandbox_bot.refresh_from_db()
    assert sandbox_bot.credentials_checked_at == NOW and sandbox_bot.credentials_error == ""
    logged = Activity.objects.get(bot=sandbox_bot, action="bot.credentials_ok")
    assert logged.actor_name == "worker" and f"@{account.handle}" in logged.message

    verify_bot(sandbox_bot, actor="worker", now=NOW + timedelta(hours=6), clears_flag=False)
    assert Activity.objects.filter(action="bot.credentials_ok").count() == 1


def test_refused_credentials_are_marked_failed_without_a_secret_in_sight(account, credential_keys):
    bot = make_bot(name="Revoked", handle=account.handle, platform="sandbox", credentials=SECRETS)
    check_credentials(bot.pk)
    bot.refresh_from_db()
    assert "401" in bot.attention_reason and bot.credentials_error == bot.attention_reason
    logged = Activity.objects.get(bot=bot, action="bot.credentials_failed")
    for secret in SECRETS.values():
        assert secret not in logged.message and secret not in str(logged.details)


def test_a_server_that_cannot_be_reached_never_marks_credentials_dead(sandbox_bot, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.SANDBOX_BASE_URL = f"http://127.0.0.1:{port}/xsandbox"
    check_credentials(sandbox_bot.pk)
    sandbox_bot.refresh_from_db()
    assert not sandbox_bot.attention_reason
    assert sandbox_bot.credentials_error.startswith("Temporary error, not a refusal")
    assert not Activity.objects.filter(action="bot.credentials_failed").exists()


def test_a_usage_cap_never_marks_credentials_dead(sandbox_bot, account):
    set_faults(account.handle, usage_capped=True)
    check_credentials(sandbox_bot.pk)
    sandbox_bot.refresh_from_db()
    assert not sandbox_bot.attention_reason and "usage cap" in sandbox_bot.credentials_error


def test_an_automatic_check_does_not_clear_a_refusal_from_posting(sandbox_bot):
    sandbox_bot.attention_reason = "X forbids this for the account (403): read-only app."
    sandbox_bot.save()
    check_credentials(sandbox_bot.pk)
    sandbox_bot.refresh_from_db()
    assert sandbox_bot.attention_reason.startswith("X forbids this")
    assert sandbox_bot.credentials_checked_at is not None

    assert verify_bot(sandbox_bot, by=sandbox_bot.owners.create(username="fixer")).ok
    sandbox_bot.refresh_from_db()
    assert sandbox_bot.attention_reason == ""


def queued_task_names(broker) -> list[str]:
    return [json.loads(message)["headers"]["task"] for message in broker.lrange("celery", 0, -1)]


def test_a_401_while_posting_fails_one_tweet_holds_the_rest_and_checks_again(
    account, credential_keys, settings
):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    bot = make_bot(name="Stale", handle=account.handle, platform="sandbox", credentials=SECRETS)
    first = make_tweet(bot=bot, text="Refused.", state="approved")
    second = make_tweet(bot=bot, text="Waits.", state="approved")
    first = posting.post_claimed(posting.claim_next(bot.pk))
    assert first.state == "failed"
    bot.refresh_from_db()
    assert "401" in bot.attention_reason
    assert posting.claim_next(bot.pk) is None
    second.refresh_from_db()
    assert second.state == "approved"
    assert Activity.objects.filter(bot=bot, action="bot.credentials_failed").count() == 1
    assert queued_task_names(broker) == ["bots.tasks.check_credentials"]
    broker.flushdb()


def test_scheduled_checks_spread_over_the_period_oldest_first(db, credential_keys, settings):
    settings.CREDENTIAL_CHECK_HOURS = 6
    settings.CREDENTIAL_CHECK_TICK_SECONDS = 3600
    bots = [make_bot(credentials=SECRETS) for _ in range(12)]
    make_bot(name="No credentials")
    for n, bot in enumerate(bots):
        bot.credentials_checked_at = NOW - timedelta(hours=7 + n)
        bot.save()
    bots[3].credentials_checked_at = None
    bots[3].save()
    bots[5].credentials_checked_at = NOW - timedelta(hours=1)
    bots[5].save()

    due = health.bots_due_a_check(NOW)

    # 12 bots over 6 hourly ticks: 2 a tick, never checked first, then the oldest check.
    assert due == [bots[3].pk, bots[11].pk]


def test_the_dashboard_says_reconnect_with_the_last_error(logged_in, bot):
    bot.attention_reason = "X refused the bot's credentials (401 Unauthorized)."
    bot.save()
    html = logged_in.get(reverse("dashboard")).content.decode()
    credentials = reverse("bots:detail", args=[bot.pk]) + "#credentials"
    assert f'href="{credentials}">Reconnect</a>' in html
    assert "X refused the bot&#x27;s credentials (401 Unauthorized)." in html
    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert 'id="credentials"' in page and "Reconnect:" in page


def test_re_entering_credentials_clears_reconnect_and_checks_them(
    logged_in, bot, owner, django_capture_on_commit_callbacks
):
    bot.attention_reason = "X refused the bot's credentials (401 Unauthorized)."
    bot.save()
    with django_capture_on_commit_callbacks() as callbacks:
        response = logged_in.post(
            reverse("bots:settings", args=[bot.pk]),
            {
                "handle": bot.handle,
                "platform": "sandbox",
                "posting_mode": "review",
                "daily_post_cap": 24,
                "access_token": "a-brand-new-token",
                "access_token_secret": "a-brand-new-secret",
            },
        )
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.attention_reason == ""
    assert bot.credentials().access_token == "a-brand-new-token"
    assert len(callbacks) == 1, "the new credentials are checked on a worker"
    logged = Activity.objects.get(bot=bot, action="bot.credentials_replaced")
    assert logged.actor == owner and "access_token" in logged.message
    assert "a-brand-new" not in logged.message
    assert "Reconnect" not in logged_in.get(reverse("dashboard")).content.decode()


def test_saving_settings_without_credentials_leaves_reconnect_in_place(logged_in, bot):
    bot.attention_reason = "X refused the bot's credentials (401 Unauthorized)."
    bot.save()
    logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {
            "handle": bot.handle,
            "platform": "sandbox",
            "posting_mode": "review",
            "daily_post_cap": 3,
        },
    )
    bot.refresh_from_db()
    assert bot.attention_reason and bot.daily_post_cap == 3


def test_re_entering_credentials_in_the_admin_clears_reconnect_too(client, superuser, bot):
    bot.attention_reason = "X refused the bot's credentials (401 Unauthorized)."
    bot.save()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:bots_bot_change", args=[bot.pk]),
        {
            "name": bot.name,
            "handle": bot.handle,
            "platform": "sandbox",
            "is_active": "on",
            "posting_mode": "review",
            "daily_post_cap": "10",
            "consumer_secret": "a-fresh-secret",
        },
    )
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.attention_reason == ""
    assert bot.credentials().consumer_secret == "a-fresh-secret"
    assert Activity.objects.filter(bot=bot, action="bot.credentials_replaced").exists()


def test_an_automatic_ok_after_a_refusal_says_the_refusal_stands(sandbox_bot):
    sandbox_bot.attention_reason = "X forbids this for the account (403)."
    sandbox_bot.credentials_error = "X forbids this for the account (403)."
    sandbox_bot.save()
    check_credentials(sandbox_bot.pk)
    logged = Activity.objects.get(bot=sandbox_bot, action="bot.credentials_ok")
    assert "stays until someone verifies or re-enters them" in logged.message


def test_a_bot_with_only_some_credentials_is_not_due_a_check(db, credential_keys):
    complete = make_bot(credentials=SECRETS)
    partial = make_bot(
        credentials={
            "consumer_key": SECRETS["consumer_key"],
            "access_token": SECRETS["access_token"],
        }
    )
    assert not partial.has_credentials()
    assert health.bots_due_a_check(NOW) == [complete.pk]
