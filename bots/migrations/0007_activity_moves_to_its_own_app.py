# The activity log moves to the `activity` app; its table stays (activity.0001 takes it over).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bots", "0006_bot_groups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Activity")],
            database_operations=[],
        ),
    ]
