"""The sandbox bills as X does: each post, reply and alt text, each post and user a read
returns once a UTC day per app, at the SANDBOX_PRICE_* settings; GET /2/usage/tweets answers
in X's shape, and `manage.py sandbox_bill` prints the bill in dollars by kind."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from requests_oauthlib import OAuth1Session

from tests.factories import make_sandbox_mentions
from xsandbox.accounts import credentials_of
from xsandbox.billing import bill_by_kind


@pytest.fixture
def session(sandbox, account):
    secrets = credentials_of(account)
    return OAuth1Session(
        secrets["consumer_key"],
        client_secret=secrets["consumer_secret"],
        resource_owner_key=secrets["access_token"],
        resource_owner_secret=secrets["access_token_secret"],
    )


def test_it_bills_each_post_and_each_post_read_once_a_day(
    sandbox, session, account, other_account, settings
):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    settings.SANDBOX_PRICE_PER_POST_READ_USD = 0.005
    settings.SANDBOX_PRICE_PER_USER_READ_USD = 0.01
    base = f"{sandbox.url}/xsandbox"
    assert session.post(f"{base}/2/tweets", json={"text": "Billed once"}).status_code == 201
    make_sandbox_mentions(author=other_account, mentioned=account, count=2)
    mentions = f"{base}/2/users/{account.user_id}/mentions?expansions=author_id"
    for _ in range(2):
        assert len(session.get(mentions).json()["data"]) == 2

    assert bill_by_kind() == {
        "by_kind": {
            "post": {"calls": 1, "cost_usd": "0.0150"},
            "post_read": {"calls": 2, "cost_usd": "0.0100"},
            "user_read": {"calls": 1, "cost_usd": "0.0100"},
        },
        "total_usd": "0.0350",
    }
    out = io.StringIO()
    call_command("sandbox_bill", handle=[account.handle], stdout=out)
    assert Decimal(json.loads(out.getvalue())["total_usd"]) == Decimal("0.035")


def test_it_serves_the_usage_of_the_signing_app_as_x_does(sandbox, session, account, other_account):
    base = f"{sandbox.url}/xsandbox"
    make_sandbox_mentions(author=other_account, mentioned=account, count=3)
    session.get(f"{base}/2/users/{account.user_id}/mentions")
    session.get(f"{base}/2/users/{account.user_id}/mentions")

    usage = session.get(f"{base}/2/usage/tweets", params={"days": "3"}).json()["data"]
    assert usage["project_usage"] == "3"
    (today,) = usage["daily_project_usage"]["usage"]
    assert today["usage"] == "3" and today["date"].endswith("T00:00:00.000Z")
    assert usage["daily_client_app_usage"][0]["usage"] == [today]

    refused = session.get(f"{base}/2/usage/tweets", params={"days": "91"})
    assert refused.status_code == 400 and "days" in refused.json()["errors"][0]["message"]
