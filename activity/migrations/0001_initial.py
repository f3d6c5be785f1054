# Takes over bots.Activity's table as it is: only Django's model state moves.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    # Permissions and admin log entries follow the model to its new app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="bots", model="activity").update(app_label="activity")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="activity", model="activity").update(app_label="bots")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("bots", "0007_activity_moves_to_its_own_app"),
        ("corpora", "0001_initial"),
        ("tweets", "0006_merge_20261128_1658"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Activity",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("actor_name", models.CharField(max_length=150)),
                        ("action", models.CharField(help_text="What happened, e.g. tweet.approved.", max_length=40)),
                        ("message", models.TextField()),
                        ("details", models.JSONField(blank=True, default=dict)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("bot", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="activity", to="bots.bot")),
                        ("corpus", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="activity", to="corpora.corpus")),
                        ("image", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="activity", to="bots.botimage")),
                        ("tweet", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="activity", to="tweets.tweet")),
                    ],
                    options={
                        "verbose_name_plural": "activity",
                        "db_table": "bots_activity",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["-created_at", "-id"], name="activity_recent"),
                            models.Index(fields=["bot", "-created_at", "-id"], name="activity_bot_recent"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
