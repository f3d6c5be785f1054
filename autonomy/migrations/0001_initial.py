# Takes over tweets.Mention's table as it is: only Django's model state moves.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    # Permissions and admin log entries follow the model to its new app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="tweets", model="mention").update(app_label="autonomy")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="autonomy", model="mention").update(app_label="tweets")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("bots", "0007_activity_moves_to_its_own_app"),
        ("tweets", "0007_mention_moves_to_autonomy"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Mention",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("post_id", models.CharField(max_length=32)),
                        ("author_id", models.CharField(max_length=32)),
                        ("author_username", models.CharField(blank=True, max_length=50)),
                        ("conversation_id", models.CharField(blank=True, max_length=32)),
                        ("text", models.TextField()),
                        ("keyword", models.CharField(blank=True, max_length=100)),
                        ("decision", models.CharField(choices=[("replied", "Replied"), ("skipped", "Skipped")], max_length=10)),
                        ("reason", models.TextField(blank=True)),
                        ("received_at", models.DateTimeField()),
                        ("bot", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="mentions", to="bots.bot")),
                        ("reply", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="answers", to="tweets.tweet")),
                    ],
                    options={
                        "db_table": "tweets_mention",
                        "ordering": ["-received_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["bot", "decision", "conversation_id"], name="mention_conversation"),
                            models.Index(fields=["bot", "decision", "received_at"], name="mention_recent"),
                        ],
                        "constraints": [models.UniqueConstraint(fields=("bot", "post_id"), name="unique_mention_per_bot")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
