"""Sandbox accounts keep their app secrets encrypted at rest, under CREDENTIALS_KEYS."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xsandbox.accounts import credentials_of, ensure_account
from xsandbox.models import Account


@pytest.mark.django_db
def test_it_keeps_the_secrets_only_as_ciphertext_in_the_database(credential_keys):
    account, _ = ensure_account("quiet_one")
    secrets = credentials_of(account)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM xsandbox_account WHERE id = %s", [account.pk])
        row = " ".join(str(value) for value in cursor.fetchone())

    for name in ("consumer_secret", "access_token_secret"):
        assert len(secrets[name]) >= 40
        assert secrets[name] not in row


@pytest.fixture
def back_to_latest(transactional_db):
    """Migrations moved back and forth in a test end where every other test expects them."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_encrypts_the_secrets_of_existing_accounts(credential_keys, back_to_latest):
    before = [("xsandbox", "0002_faults_and_nonce_index")]
    after = [("xsandbox", "0003_encrypt_account_secrets")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("xsandbox", "Account")
    old.objects.create(
        handle="older",
        consumer_key="ck-older-0001",
        consumer_secret="cs-older-secret-0001",
        access_token="at-older-0001",
        access_token_secret="ats-older-secret-0001",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    # Only the fields migration 0003 knows: later migrations add columns not there yet.
    account = Account.objects.defer("description").get(handle="older")
    assert (account.consumer_secret, account.access_token_secret) == (
        "cs-older-secret-0001",
        "ats-older-secret-0001",
    )
    assert "older-secret" not in account.encrypted_consumer_secret
