"""The sandbox's management commands: an account's credentials printed for a bot, and faults
set on it that the API then shows, deterministically, over real HTTP."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from requests_oauthlib import OAuth1Session

from xsandbox.models import Account, App


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_it_creates_an_account_and_prints_its_credentials_once_and_again(transactional_db):
    printed = run("sandbox_account", handle="@newbird", name="New Bird")
    lines = dict(re.findall(r"^(X_[A-Z_]+)=(\S+)$", printed, flags=re.M))
    assert set(lines) == {
        "X_CONSUMER_KEY",
        "X_CONSUMER_SECRET",
        "X_ACCESS_TOKEN",
        "X_ACCESS_TOKEN_SECRET",
    }
    account = Account.objects.get(handle="newbird")
    assert account.name == "New Bird" and lines["X_ACCESS_TOKEN"] == account.access_token
    assert run("sandbox_account", handle="NewBird") == printed
    assert Account.objects.count() == 1


def test_it_refuses_a_handle_x_would_refuse(transactional_db):
    with pytest.raises(CommandError, match="letters, digits or underscores"):
        run("sandbox_account", handle="not a handle")


def test_it_creates_an_app_and_prints_its_consumer_key_and_secret(transactional_db):
    callback = "http://127.0.0.1:8000/bots/new/callback/"
    printed = run("sandbox_app", "Aviary", callback=[callback])
    lines = dict(re.findall(r"^(X_[A-Z_]+)=(\S+)$", printed, flags=re.M))
    app = App.objects.get(name="Aviary")
    assert lines == {"X_CONSUMER_KEY": app.consumer_key, "X_CONSUMER_SECRET": app.consumer_secret}
    assert app.callback_urls == [callback]
    assert run("sandbox_app", "Aviary") == printed
    assert App.objects.get().callback_urls == [callback]


def test_it_refuses_a_callback_that_is_no_url(transactional_db):
    with pytest.raises(CommandError, match="Not a callback URL"):
        run("sandbox_app", "Aviary", callback=["javascript:alert(1)"])
    assert not App.objects.exists()


@pytest.fixture
def session(sandbox, account):
    return OAuth1Session(
        account.consumer_key,
        client_secret=account.consumer_secret,
        resource_owner_key=account.access_token,
        resource_owner_secret=account.access_token_secret,
    )


def post_statuses(sandbox, session, count) -> list[int]:
    return [
        session.post(f"{sandbox.url}/xsandbox/2/tweets", json={"text": f"Try {n}"}).status_code
        for n in range(count)
    ]


def test_faults_set_by_the_command_fail_exactly_the_writes_they_say(sandbox, session, account):
    shown = run("sandbox_faults", handle=account.handle, error_rate=0.5, rate_limit_burst=2)
    assert "error_rate=0.5" in shown and "rate_limit_burst=2" in shown
    assert post_statuses(sandbox, session, 6) == [429, 429, 201, 503, 201, 503]
    me = session.get(f"{sandbox.url}/xsandbox/2/users/me")
    assert me.status_code == 200  # reads are spared 5xx and bursts

    run("sandbox_faults", handle=account.handle, credits_exhausted=True)
    refused = session.post(f"{sandbox.url}/xsandbox/2/tweets", json={"text": "No credit"})
    assert refused.status_code == 402
    assert refused.json()["type"].endswith("/2/problems/credits-depleted")

    run("sandbox_faults", handle=account.handle, reset=True)
    assert post_statuses(sandbox, session, 1) == [201]


def test_it_says_when_the_account_does_not_exist_or_the_fault_is_nonsense(account):
    with pytest.raises(CommandError, match="No sandbox account @nobody"):
        run("sandbox_faults", handle="nobody", error_rate=0.1)
    with pytest.raises(CommandError, match="from 0 to 1"):
        run("sandbox_faults", handle=account.handle, error_rate=3)
