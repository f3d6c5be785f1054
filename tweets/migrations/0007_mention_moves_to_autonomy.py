# Mentions move to the `autonomy` app; their table stays (autonomy.0001 takes it over).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tweets", "0006_merge_20261128_1658"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Mention")],
            database_operations=[],
        ),
    ]
