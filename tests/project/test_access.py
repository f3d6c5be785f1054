"""Anonymous visitors are sent to log in; a logged-in owner sees their own flock."""

import pytest
from django.urls import reverse

from tests.factories import make_bot


@pytest.mark.parametrize("url_name", ["dashboard", "admin:index", "admin:bots_bot_changelist"])
def test_anonymous_users_are_sent_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_login_page_renders_and_logs_in(client, owner):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(
        reverse("login"), {"username": owner.username, "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_says_so_without_error(client, owner):
    response = client.post(reverse("login"), {"username": owner.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_dashboard_lists_only_my_bots(client, owner, bot, credential_keys):
    other = make_bot(name="not-mine")
    client.force_login(owner)
    html = client.get(reverse("dashboard")).content.decode()
    assert bot.name in html
    assert other.name not in html


def test_pages_carry_a_strict_content_security_policy(client, owner):
    client.force_login(owner)
    policy = client.get(reverse("dashboard"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_repeated_failed_logins_are_locked_out_even_with_the_right_password(
    client, owner, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": owner.username, "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": owner.username, "password": "pw-for-tests-1"}
    )
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
