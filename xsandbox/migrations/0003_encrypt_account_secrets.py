"""The sandbox accounts' app secrets move to encrypted columns (under CREDENTIALS_KEYS);
existing rows are encrypted, and the plaintext columns dropped."""

from django.db import migrations, models

import xsandbox.models
from platforms import encryption

SECRETS = ("consumer_secret", "access_token_secret")


def encrypt_secrets(apps, schema_editor):
    Account = apps.get_model("xsandbox", "Account")
    for account in Account.objects.all():
        for name in SECRETS:
            setattr(account, f"encrypted_{name}", encryption.encrypt(getattr(account, name)))
        account.save(update_fields=[f"encrypted_{name}" for name in SECRETS])


def decrypt_secrets(apps, schema_editor):
    Account = apps.get_model("xsandbox", "Account")
    for account in Account.objects.all():
        for name in SECRETS:
            setattr(account, name, encryption.decrypt(getattr(account, f"encrypted_{name}")))
        account.save(update_fields=list(SECRETS))


class Migration(migrations.Migration):
    dependencies = [
        ("xsandbox", "0002_faults_and_nonce_index"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="account",
                name=f"encrypted_{name}",
                field=models.TextField(default="", editable=False),
                preserve_default=False,
            )
            for name in SECRETS
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        *(migrations.RemoveField(model_name="account", name=name) for name in SECRETS),
        *(
            migrations.AlterField(
                model_name="account",
                name=f"encrypted_{name}",
                field=models.TextField(default=xsandbox.models._encrypted_token, editable=False),
            )
            for name in SECRETS
        ),
    ]
