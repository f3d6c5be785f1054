"""Statuses on the Mastodon sandbox notify as Mastodon's do: only the accounts their text
mentions, local ones, never the author; a reply without the @address notifies nobody."""

import requests

from platforms import client_for
from tests.conftest import make_mastodon_bot
from xsandbox.mastodon.accounts import ensure_account, issue_token
from xsandbox.models import MastodonNotification


def _post(sandbox, account, **fields):
    return requests.post(
        f"{sandbox.url}/xsandbox/mastodon/api/v1/statuses",
        data=fields,
        headers={"Authorization": f"Bearer {issue_token(account)}"},
        timeout=5,
    ).json()


def test_only_a_mention_in_the_text_notifies(mastodon_sandbox, mastodon_account):
    other = ensure_account("borealis")[0]
    asked = _post(mastodon_sandbox, other, status="@aurora @borealis @nobody@localhost hello")

    silent = _post(mastodon_sandbox, mastodon_account, status="Hello.", in_reply_to_id=asked["id"])
    named = _post(
        mastodon_sandbox,
        mastodon_account,
        status="@borealis@localhost hi",
        in_reply_to_id=asked["id"],
    )

    notified = {
        (n.account.username, n.status.status_id) for n in MastodonNotification.objects.all()
    }
    assert notified == {("aurora", asked["id"]), ("borealis", named["id"])}
    assert silent["in_reply_to_id"] == asked["id"] and silent["mentions"] == []
    assert [m["acct"] for m in named["mentions"]] == ["borealis"]
    assert client_for(make_mastodon_bot(other)).mentions()[0].id == named["id"]
