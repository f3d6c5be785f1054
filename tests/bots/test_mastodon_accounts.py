"""Connecting a Mastodon account end to end: Add bot names the server, Aviary registers its
app there once, the person approves on the instance's authorize page, and the callback
stores the token encrypted, reads the account and sets its bot flag; all through the
Mastodon sandbox over HTTP, the token never shown."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from activity.models import Activity
from bots.connecting import ConnectError
from bots.mastodon_accounts import instance_from
from bots.models import Bot, XApp
from platforms import client_for, rules_for
from tests.factories import make_user
from xsandbox.models import MastodonAccount, MastodonApp, MastodonToken


@pytest.fixture
def mastodon_sandbox(mastodon_sandbox, transactional_db, credential_keys):
    return mastodon_sandbox


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def connect(client, *, username: str, server: str = "sandbox"):
    """Add bot → the instance's authorize page → approve → back to Aviary's callback."""
    started = client.post(reverse("bots:connect_mastodon"), {"server": server})
    assert started.status_code == 200, started.content
    authorize_url = started.context["started"].authorize_url
    asked = parse_qs(urlsplit(authorize_url).query)
    assert asked["force_login"] == ["True"] and asked["response_type"] == ["code"]
    page = client.get(_local(authorize_url))
    assert page.status_code == 200 and b"Authorization required" in page.content
    fields = {name: values[0] for name, values in asked.items()}
    approved = client.post(
        urlsplit(authorize_url).path,
        {**fields, "new_username": username, "decision": "authorize"},
    )
    assert approved.status_code == 302, approved.content
    callback = approved["Location"]
    assert urlsplit(callback).path == reverse("bots:mastodon_callback")
    return client.get(_local(callback), follow=True)


def reconnect(client, bot, **choice):
    """Reconnect on the bot page → the bot's server's authorize page, where the person picks
    an account (`account=username`) or makes one (`new_username=...`) → back to Aviary."""
    started = client.post(reverse("bots:reconnect", args=[bot.pk]))
    assert started.status_code == 200, started.content
    assert f"@{bot.handle}" in started.content.decode()
    authorize_url = started.context["started"].authorize_url
    fields = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    approved = client.post(
        urlsplit(authorize_url).path, {**fields, **choice, "decision": "authorize"}
    )
    assert approved.status_code == 302, approved.content
    return client.get(_local(approved["Location"]), follow=True)


def test_it_connects_a_mastodon_account_as_a_bot(client, mastodon_sandbox):
    user = make_user(superuser=True)
    client.force_login(user)
    done = connect(client, username="lighthouse")
    bot = Bot.objects.get()
    assert done.redirect_chain[-1][0] == bot.get_absolute_url()
    assert (bot.platform, bot.handle) == (Bot.Platform.MASTODON_SANDBOX, "lighthouse@localhost")
    account = MastodonAccount.objects.get(username="lighthouse")
    assert bot.x_user_id == account.account_id and account.bot
    assert list(bot.owners.all()) == [user]
    # The token works, is stored encrypted, and was never on a page.
    token = bot.credentials().access_token
    assert MastodonToken.find(token).account == account
    assert token not in bot.encrypted_access_token
    assert token.encode() not in done.content
    assert client_for(bot).post("Connected and posting")
    assert rules_for(bot).max_length == 500


def test_it_registers_its_app_on_an_instance_once(client, mastodon_sandbox):
    client.force_login(make_user(superuser=True))
    connect(client, username="one")
    connect(client, username="two")
    assert MastodonApp.objects.count() == 1
    app = XApp.objects.get()
    assert app.platform == Bot.Platform.MASTODON_SANDBOX
    assert {bot.app for bot in Bot.objects.all()} == {app}
    assert Bot.objects.count() == 2


def test_a_callback_without_its_state_connects_nothing(client, mastodon_sandbox):
    client.force_login(make_user(superuser=True))
    client.post(reverse("bots:connect_mastodon"), {"server": "sandbox"})
    answer = client.get(reverse("bots:mastodon_callback") + "?code=stolen&state=guess", follow=True)
    assert Bot.objects.count() == 0
    assert b"expired" in answer.content


def test_denying_at_the_instance_connects_nothing(client, mastodon_sandbox):
    client.force_login(make_user(superuser=True))
    started = client.post(reverse("bots:connect_mastodon"), {"server": "sandbox"})
    authorize_url = started.context["started"].authorize_url
    fields = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    denied = client.post(urlsplit(authorize_url).path, {**fields, "decision": "deny"})
    answer = client.get(_local(denied["Location"]), follow=True)
    assert Bot.objects.count() == 0 and b"cancelled" in answer.content


def test_an_unreachable_server_says_so_and_registers_nothing(client, mastodon_sandbox):
    client.force_login(make_user(superuser=True))
    answer = client.post(
        reverse("bots:connect_mastodon"), {"server": "http://127.0.0.1:9"}, follow=True
    )
    assert answer.status_code == 200
    assert b"did not register Aviary" in answer.content
    assert XApp.objects.count() == 0


def test_the_server_may_be_a_domain_a_url_or_a_handle():
    assert instance_from("mastodon.social").server_url == "https://mastodon.social"
    assert instance_from("https://Mastodon.Social/about").server_url == "https://mastodon.social"
    assert instance_from("@me@fosstodon.org").server_url == "https://fosstodon.org"
    with pytest.raises(ConnectError):
        instance_from("not a server")


# Reconnecting ------------------------------------------------------------------------------


@pytest.fixture
def lighthouse(client, mastodon_sandbox):
    """A connected bot whose token was refused, and its owner signed in."""
    client.force_login(make_user(superuser=True))
    connect(client, username="lighthouse")
    bot = Bot.objects.get()
    Bot.objects.filter(pk=bot.pk).update(attention_reason="Mastodon refused the token (401).")
    bot.refresh_from_db()
    return bot


def test_reconnecting_signs_in_again_at_the_bots_server_and_replaces_its_token(client, lighthouse):
    old_token = lighthouse.credentials().access_token
    done = reconnect(client, lighthouse, account="lighthouse")
    bot = Bot.objects.get()
    assert done.redirect_chain[-1][0] == bot.get_absolute_url()
    assert "Reconnected @lighthouse@localhost" in done.content.decode()
    assert bot.attention_reason == "" and bot.verified_at
    token = bot.credentials().access_token
    assert token != old_token and MastodonToken.find(token).account.username == "lighthouse"
    assert token not in bot.encrypted_access_token and token.encode() not in done.content
    assert MastodonApp.objects.count() == XApp.objects.count() == 1, "the server's app, reused"
    assert Activity.objects.filter(action="bot.reconnected", bot_id=bot.pk).exists()
    assert client_for(bot).post("Back after reconnecting")


def test_reconnecting_as_another_account_changes_nothing(client, lighthouse):
    old_token = lighthouse.credentials().access_token
    done = reconnect(client, lighthouse, new_username="stranger")
    html = done.content.decode()
    assert done.redirect_chain[-1][0] == lighthouse.get_absolute_url()
    assert "as @stranger" in html and "is @lighthouse@localhost" in html
    assert "nothing was changed" in html
    bot = Bot.objects.get()
    assert bot.credentials().access_token == old_token
    assert bot.attention_reason == "Mastodon refused the token (401)."
    assert not Activity.objects.filter(action="bot.reconnected").exists()


def test_cancelling_a_reconnect_at_the_server_changes_nothing(client, lighthouse):
    started = client.post(reverse("bots:reconnect", args=[lighthouse.pk]))
    authorize_url = started.context["started"].authorize_url
    fields = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    denied = client.post(urlsplit(authorize_url).path, {**fields, "decision": "deny"})
    answer = client.get(_local(denied["Location"]), follow=True)
    assert answer.redirect_chain[-1][0] == lighthouse.get_absolute_url()
    assert b"nothing was changed" in answer.content
    assert Bot.objects.get().attention_reason
