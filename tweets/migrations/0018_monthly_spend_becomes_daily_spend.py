"""Spend is kept per bot, UTC day and kind (bots.DailySpend): each month's posting spend
moves to one row of posts on the month's first day, so the month's figures stay the same."""

from django.db import migrations


def to_daily_spend(apps, schema_editor):
    MonthlySpend = apps.get_model("tweets", "MonthlySpend")
    DailySpend = apps.get_model("bots", "DailySpend")
    DailySpend.objects.bulk_create(
        DailySpend(
            bot_id=row.bot_id, day=row.month, call="post", calls=row.posts, cost_usd=row.spent_usd
        )
        for row in MonthlySpend.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tweets", "0017_x_rules_for_automated_accounts"),
        ("bots", "0014_spend_by_day_and_budgets"),
    ]

    operations = [
        migrations.RunPython(to_daily_spend, migrations.RunPython.noop),
        migrations.DeleteModel(name="MonthlySpend"),
    ]
