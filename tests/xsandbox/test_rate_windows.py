"""The sandbox's rate windows open as each network's do: X's and Bluesky's with the first
request after the last window closed, Mastodon's on the clock. So a test that makes many
requests never sees its count start again halfway because the clock passed a quarter hour."""

import time

import pytest
import requests

from xsandbox import limits
from xsandbox.bluesky import api as bluesky_api
from xsandbox.bluesky.accounts import ensure_account as ensure_bluesky_account
from xsandbox.mastodon import limits as mastodon_limits
from xsandbox.mastodon.accounts import issue_token
from xsandbox.models import BlueskyRateWindow, MastodonRateWindow, RateWindow


def test_an_x_window_opens_with_the_first_request_after_the_last_one_closed(account):
    now = int(time.time())
    closed = RateWindow.objects.create(
        account=account, endpoint="me", window_start=now - limits.WINDOW_SECONDS, count=76
    )

    limit, remaining, reset, over = limits.count_request(account, "me")
    again = limits.count_request(account, "me")

    opened = RateWindow.objects.exclude(pk=closed.pk).get()
    assert now <= opened.window_start <= int(time.time())
    assert (limit, remaining, reset, over) == (75, 74, opened.window_start + 900, False)
    assert again == (75, 73, reset, False)
    assert RateWindow.objects.get(pk=closed.pk).count == 76


def test_a_mastodon_window_opens_on_the_clock(mastodon_sandbox, mastodon_account):
    url = f"{mastodon_sandbox.url}/xsandbox/mastodon/api/v1/accounts/verify_credentials"
    headers = {"Authorization": f"Bearer {issue_token(mastodon_account)}"}
    first = requests.get(url, headers=headers, timeout=5)
    window = MastodonRateWindow.objects.get(account=mastodon_account)
    window.count = mastodon_limits.LIMIT
    window.save()

    refused = requests.get(url, headers=headers, timeout=5)

    assert window.window_start % mastodon_limits.WINDOW_SECONDS == 0
    assert first.status_code == 200 and first.headers["X-RateLimit-Remaining"] == "299"
    assert refused.status_code == 429 and refused.headers["X-RateLimit-Remaining"] == "0"


@pytest.fixture
def sky(sandbox, transactional_db, credential_keys):
    return ensure_bluesky_account("sky.bsky.sandbox.test", name="Sky")


def test_a_bluesky_window_opens_with_the_first_request(sandbox, sky):
    account, password = sky
    base = f"{sandbox.url}/xsandbox/bluesky/xrpc"
    signed_in = requests.post(
        f"{base}/com.atproto.server.createSession",
        json={"identifier": account.handle, "password": password},
        timeout=5,
    ).json()
    headers = {"Authorization": f"Bearer {signed_in['accessJwt']}"}
    before = int(time.time())

    first = requests.get(f"{base}/com.atproto.server.getSession", headers=headers, timeout=5)
    second = requests.get(f"{base}/com.atproto.server.getSession", headers=headers, timeout=5)

    window = BlueskyRateWindow.objects.get(account=account, endpoint="requests")
    assert before <= window.window_start <= int(time.time())
    assert window.count == 2
    limit = str(bluesky_api.REQUEST_LIMIT)
    assert [first.headers["RateLimit-Limit"], second.headers["RateLimit-Limit"]] == [limit] * 2
    assert int(first.headers["RateLimit-Remaining"]) - 1 == int(
        second.headers["RateLimit-Remaining"]
    )
    assert second.headers["RateLimit-Reset"] == str(window.window_start + 300)
