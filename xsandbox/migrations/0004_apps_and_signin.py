"""X apps that accounts connect to by 3-legged OAuth: App, its RequestTokens and Grants."""

import django.db.models.deletion
import xsandbox.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('xsandbox', '0003_encrypt_account_secrets'),
    ]

    operations = [
        migrations.CreateModel(
            name='App',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80)),
                ('consumer_key', models.CharField(default=xsandbox.models._token, max_length=64, unique=True)),
                ('encrypted_consumer_secret', models.TextField(default=xsandbox.models._encrypted_token, editable=False)),
                ('callback_urls', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='RequestToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=xsandbox.models._token, max_length=64, unique=True)),
                ('encrypted_secret', models.TextField(default=xsandbox.models._encrypted_token, editable=False)),
                ('callback', models.TextField()),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('verifier', models.CharField(blank=True, editable=False, max_length=40)),
                ('denied', models.BooleanField(default=False)),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='xsandbox.account')),
                ('app', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='request_tokens', to='xsandbox.app')),
            ],
        ),
        migrations.CreateModel(
            name='Grant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('access_token', models.CharField(default=xsandbox.models._access_token, max_length=80, unique=True)),
                ('encrypted_access_token_secret', models.TextField(default=xsandbox.models._encrypted_token, editable=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='xsandbox.account')),
                ('app', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='xsandbox.app')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('app', 'account'), name='unique_grant_per_app')],
            },
        ),
    ]
