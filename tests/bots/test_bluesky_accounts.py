"""Connecting a Bluesky account end to end against the sandbox PDS: the page names app
passwords and warns off the main one, one sign-in stores the app password and the session
encrypted and labels the account a bot; a refusal stores nothing and says why."""

import pytest
from django.urls import reverse

from activity.models import Activity
from bots.bluesky_accounts import connect_bluesky_account
from bots.connecting import ConnectError
from bots.models import Bot
from platforms import client_for
from tests.factories import make_operator
from xsandbox.bluesky.accounts import ensure_account
from xsandbox.models import BlueskyAccount, BlueskySession


@pytest.fixture
def operator(sandbox, transactional_db, credential_keys):
    return make_operator()


@pytest.fixture
def carol(sandbox, transactional_db, credential_keys):
    return ensure_account("carol.bsky.sandbox.test", name="Carol")


def _connect(client, **form):
    data = {"platform": "bluesky_sandbox", "server_url": "", **form}
    return client.post(reverse("bots:new_bluesky"), data, follow=True)


def test_the_page_asks_for_an_app_password_never_the_main_one(client, operator):
    client.force_login(operator)
    html = client.get(reverse("bots:new")).content.decode()
    assert "Settings → Privacy and security → App passwords" in html
    assert "Never enter the account's main password" in html


def test_connecting_signs_in_once_keeps_the_session_and_labels_the_bot(client, operator, carol):
    account, password = carol
    client.force_login(operator)
    response = _connect(client, handle="@Carol.bsky.sandbox.test", app_password=password)
    bot = Bot.objects.get()
    assert response.redirect_chain[-1][0] == bot.get_absolute_url()
    assert (bot.handle, bot.x_user_id, bot.platform) == (
        account.handle,
        account.did,
        "bluesky_sandbox",
    )
    assert bot.verified_at and list(bot.owners.all()) == [operator]
    assert password not in bot.encrypted_app_password and bot.credentials().app_password == password
    assert bot.network_session() and "Jwt" not in bot.encrypted_session
    assert BlueskyAccount.objects.get(pk=account.pk).labels == ["bot"]
    assert Activity.objects.filter(action="bot.connected", bot_id=bot.pk).exists()
    assert password not in response.content.decode()

    client_for(bot).post("Posting on the session connecting made")
    assert BlueskySession.objects.filter(account=account, signed_in=True).count() == 1


def test_a_wrong_app_password_stores_nothing_and_says_so(client, operator, carol):
    client.force_login(operator)
    response = _connect(client, handle=carol[0].handle, app_password="abcd-efgh-ijkl-mnop")
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "did not sign in" in response.content.decode()
    assert "abcd-efgh-ijkl-mnop" not in response.content.decode()
    assert not Bot.objects.exists()
    assert BlueskyAccount.objects.get(pk=carol[0].pk).labels == []


def test_something_that_is_not_an_app_password_is_refused_before_signing_in(
    client, operator, carol
):
    client.force_login(operator)
    response = _connect(client, handle=carol[0].handle, app_password="my main password")
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "xxxx-xxxx-xxxx-xxxx" in response.content.decode()
    assert not BlueskySession.objects.exists()


def test_an_account_connected_twice_is_refused(operator, carol):
    account, password = carol
    connect_bluesky_account(
        user=operator, platform="bluesky_sandbox", handle=account.handle, app_password=password
    )
    with pytest.raises(ConnectError, match="already connected"):
        connect_bluesky_account(
            user=operator, platform="bluesky_sandbox", handle=account.handle, app_password=password
        )
    assert Bot.objects.count() == 1


# Reconnecting ------------------------------------------------------------------------------


@pytest.fixture
def carols_bot(operator, carol):
    account, password = carol
    bot = connect_bluesky_account(
        user=operator, platform="bluesky_sandbox", handle=account.handle, app_password=password
    ).bot
    Bot.objects.filter(pk=bot.pk).update(attention_reason="Bluesky refused the session (401).")
    bot.refresh_from_db()
    return bot


def _reconnect(client, bot, password):
    url = reverse("bots:reconnect_bluesky", args=[bot.pk])
    return client.post(url, {"app_password": password}, follow=True)


def test_reconnect_asks_for_a_new_app_password_with_the_handle_fixed(client, operator, carols_bot):
    client.force_login(operator)
    button = client.post(reverse("bots:reconnect", args=[carols_bot.pk]))
    assert button["Location"] == reverse("bots:reconnect_bluesky", args=[carols_bot.pk])
    html = client.get(button["Location"]).content.decode()
    assert "Never enter the account's main password" in html
    assert f'value="{carols_bot.handle}" readonly' in html
    assert 'name="handle"' not in html, "the handle is the bot's, not the person's to type"


def test_reconnecting_signs_in_with_a_new_app_password_and_clears_the_flag(
    client, operator, carol, carols_bot
):
    account, old_password = carol
    old_session = carols_bot.network_session()
    _account, new_password = ensure_account(account.handle)  # replaces the old one
    client.force_login(operator)
    response = _reconnect(client, carols_bot, new_password)
    bot = Bot.objects.get()
    assert response.redirect_chain[-1][0] == bot.get_absolute_url()
    assert f"Reconnected @{account.handle}" in response.content.decode()
    assert bot.attention_reason == "" and bot.x_user_id == account.did
    assert bot.credentials().app_password == new_password != old_password
    assert new_password not in bot.encrypted_app_password
    assert new_password not in response.content.decode()
    assert bot.network_session() and bot.network_session() != old_session
    assert Activity.objects.filter(action="bot.reconnected", bot_id=bot.pk).exists()
    signed_in = BlueskySession.objects.filter(account=account, signed_in=True).count()

    client_for(bot).post("Back on the session reconnecting made")
    assert BlueskySession.objects.filter(account=account, signed_in=True).count() == signed_in


def test_a_refused_app_password_on_reconnect_changes_nothing(client, operator, carol, carols_bot):
    client.force_login(operator)
    response = _reconnect(client, carols_bot, "abcd-efgh-ijkl-mnop")
    # Back to the page as a GET (a reload asks nothing again), the failure at its banner.
    page = reverse("bots:reconnect_bluesky", args=[carols_bot.pk])
    assert response.redirect_chain == [(f"{page}#form-banner", 302)]
    assert response.status_code == 200
    assert "The Bluesky sandbox did not accept these credentials" in response.content.decode()
    assert "abcd-efgh-ijkl-mnop" not in response.content.decode()
    bot = Bot.objects.get()
    assert bot.credentials().app_password == carol[1]
    assert bot.attention_reason == "Bluesky refused the session (401)."
    assert not Activity.objects.filter(action="bot.reconnected").exists()


def test_reconnecting_when_the_handle_is_another_account_now_is_refused(
    client, operator, carol, carols_bot
):
    # The handle passed to another account: its DID is not the bot's.
    Bot.objects.filter(pk=carols_bot.pk).update(x_user_id="did:plc:theaccountthebotwas")
    _account, new_password = ensure_account(carol[0].handle)
    client.force_login(operator)
    response = _reconnect(client, carols_bot, new_password)
    assert response.redirect_chain[-1][1] == 302
    assert "is now another account" in response.content.decode()
    assert (
        "is now another account" not in client.get(response.request["PATH_INFO"]).content.decode()
    )
    bot = Bot.objects.get()
    assert bot.x_user_id == "did:plc:theaccountthebotwas"
    assert bot.credentials().app_password == carol[1]
    assert bot.attention_reason
