"""Credentials are encrypted at rest, readable across key rotation, and never shown."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from bots.credentials import CredentialsUnreadable, encrypt
from bots.models import Bot, SignIn, XApp
from tests.conftest import SECRETS


def raw_credential_columns(bot_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encrypted_consumer_key, encrypted_consumer_secret, encrypted_access_token,"
            " encrypted_access_token_secret FROM bots_bot WHERE id = %s",
            [bot_id],
        )
        return cursor.fetchone()


def test_database_columns_hold_no_plaintext(bot):
    columns = raw_credential_columns(bot.pk)
    assert all(columns)
    for secret in SECRETS.values():
        assert not any(secret in column for column in columns)


def test_credentials_decrypt_to_what_was_saved(bot):
    credentials = Bot.objects.get(pk=bot.pk).credentials()
    assert credentials.consumer_key == SECRETS["consumer_key"]
    assert credentials.access_token_secret == SECRETS["access_token_secret"]


def test_credentials_repr_hides_values(bot):
    text = repr(bot.credentials()) + str(bot.credentials())
    assert "consumer_key=set" in text
    assert not any(secret in text for secret in SECRETS.values())


def test_value_written_under_old_key_reads_after_new_key_is_added(bot, settings):
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode(), *settings.CREDENTIALS_KEYS]
    assert Bot.objects.get(pk=bot.pk).credentials().consumer_secret == SECRETS["consumer_secret"]


def test_rotation_reencrypts_under_the_newest_key(bot, settings, capsys):
    old_key = settings.CREDENTIALS_KEYS[0]
    before = raw_credential_columns(bot.pk)
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new_key, old_key]

    call_command("rotate_credentials")

    after = raw_credential_columns(bot.pk)
    assert all(a != b for a, b in zip(after, before, strict=True))
    assert "1 bot(s)" in capsys.readouterr().out
    settings.CREDENTIALS_KEYS = [new_key]  # the old key can now be dropped
    assert Bot.objects.get(pk=bot.pk).credentials().access_token == SECRETS["access_token"]


def test_rotation_reencrypts_the_x_apps_keys_and_pending_sign_ins(db, owner, settings, capsys):
    old_key = settings.CREDENTIALS_KEYS[0]
    app = XApp(name="Flock app", platform="x")
    app.set_consumer_credentials(key="app-key", secret="app-secret")
    app.save()
    sign_in = SignIn.objects.create(
        user=owner,
        app=app,
        request_token="request-token",
        encrypted_request_secret=encrypt("request-secret"),
        authorize_url="https://api.x.com/oauth/authorize?oauth_token=request-token",
    )
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new_key, old_key]

    call_command("rotate_credentials")

    assert "1 X app(s) and 1 pending sign-in(s)" in capsys.readouterr().out
    settings.CREDENTIALS_KEYS = [new_key]
    assert XApp.objects.get().consumer_credentials() == ("app-key", "app-secret")
    assert SignIn.objects.get(pk=sign_in.pk).request_secret() == "request-secret"


def test_wrong_key_raises_instead_of_returning_ciphertext(bot, settings):
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CredentialsUnreadable) as caught:
        Bot.objects.get(pk=bot.pk).credentials()
    assert "CREDENTIALS_KEYS" in str(caught.value)
    assert not any(secret in str(caught.value) for secret in SECRETS.values())


def test_blank_value_keeps_the_saved_credential(bot):
    bot.set_credentials(consumer_key="", access_token="new-token")
    bot.save()
    credentials = Bot.objects.get(pk=bot.pk).credentials()
    assert credentials.consumer_key == SECRETS["consumer_key"]
    assert credentials.access_token == "new-token"


def test_dumpdata_contains_no_plaintext(bot, capsys):
    call_command("dumpdata", "bots")
    dump = capsys.readouterr().out
    assert "encrypted_consumer_key" in dump
    assert not any(secret in dump for secret in SECRETS.values())
