"""Shared fixtures: users, bots and credentials that the tests across apps build on.

Models are imported inside fixtures so that the Django-free tests (the Markov engine,
tweet length) also run without settings.
"""

import pytest
from cryptography.fernet import Fernet

SECRETS = {
    "consumer_key": "ck-PLAINTEXT-consumer-key-0001",
    "consumer_secret": "cs-PLAINTEXT-consumer-secret-0002",
    "access_token": "at-PLAINTEXT-access-token-0003",
    "access_token_secret": "ats-PLAINTEXT-access-secret-0004",
}


@pytest.fixture(autouse=True)
def media_root(request, tmp_path):
    """Uploads of each test go to its own folder."""
    if not request.config.pluginmanager.hasplugin("django"):
        return None
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def credential_keys(settings):
    """A fresh key list for each test, so no test depends on the machine's .env."""
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    return settings.CREDENTIALS_KEYS


@pytest.fixture
def secrets_():
    return dict(SECRETS)


@pytest.fixture
def superuser(db):
    from tests.factories import make_user

    return make_user(superuser=True)


@pytest.fixture
def owner(db):
    from tests.factories import make_user

    return make_user()


@pytest.fixture
def bot(db, owner, credential_keys):
    from tests.factories import make_bot

    return make_bot(owners=[owner], credentials=SECRETS)


@pytest.fixture
def sandbox(live_server, settings):
    """The live test server as the bots' X API: real HTTP, short timeouts and stalls."""
    settings.SANDBOX_BASE_URL = f"{live_server.url}/xsandbox"
    settings.BLUESKY_SANDBOX_BASE_URL = f"{live_server.url}/xsandbox/bluesky"
    settings.X_API_READ_TIMEOUT = 3
    settings.BLUESKY_READ_TIMEOUT = 3
    settings.XSANDBOX_STALL_SECONDS = 4
    return live_server


@pytest.fixture
def account(sandbox, transactional_db, credential_keys):
    from xsandbox.accounts import ensure_account

    return ensure_account("sandbox_one", name="Sandbox One")[0]


@pytest.fixture
def other_account(sandbox, transactional_db, credential_keys):
    from xsandbox.accounts import ensure_account

    return ensure_account("sandbox_two", name="Sandbox Two")[0]


@pytest.fixture
def sandbox_bot(account, credential_keys):
    from tests.factories import make_bot
    from xsandbox.accounts import credentials_of

    return make_bot(
        name="Sandboxed",
        handle=account.handle,
        platform="sandbox",
        credentials=credentials_of(account),
    )


@pytest.fixture
def logged_in(client, owner):
    """A client signed in as the owner of `bot`."""
    client.force_login(owner)
    return client


@pytest.fixture
def mastodon_sandbox(sandbox, settings):
    """The live test server as the bots' Mastodon instance, its limits read afresh."""
    from django.core.cache import cache

    settings.MASTODON_SANDBOX_BASE_URL = f"{sandbox.url}/xsandbox/mastodon"
    settings.MASTODON_API_READ_TIMEOUT = 3
    settings.XSANDBOX_MASTODON_PROCESSING_SECONDS = 0.2
    cache.clear()
    yield sandbox
    cache.clear()


@pytest.fixture
def mastodon_account(mastodon_sandbox, transactional_db, credential_keys):
    from xsandbox.mastodon.accounts import ensure_account

    return ensure_account("aurora", display_name="Aurora")[0]


def make_mastodon_bot(account, **fields):
    """A bot on the Mastodon sandbox speaking as `account`, as connecting leaves it."""
    from tests.factories import make_bot
    from xsandbox.mastodon.accounts import issue_token

    fields.setdefault("name", account.username.title())
    return make_bot(
        handle=f"{account.username}@localhost",
        platform="mastodon_sandbox",
        x_user_id=account.account_id,
        credentials={"access_token": issue_token(account)},
        **fields,
    )


@pytest.fixture
def mastodon_bot(mastodon_account):
    return make_mastodon_bot(mastodon_account)
