"""bots.0008: the schedule row takes over from the per-bot periodic tasks. Migrating from
0007 deletes those tasks (and only those), and gives each schedule that is on its next run."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("bots", "0007_activity_moves_to_its_own_app")
AFTER = ("bots", "0008_schedule_next_run_at")
BEAT = ("django_celery_beat", "0019_alter_periodictasks_options")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target, BEAT]).apps


@pytest.fixture
def before():
    """The database as bots.0007 left it; migrated back to the newest state afterwards."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_deletes_the_old_periodic_tasks_and_fills_next_runs(before):
    Bot = before.get_model("bots", "Bot")
    Schedule = before.get_model("bots", "Schedule")
    PeriodicTask = before.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = before.get_model("django_celery_beat", "IntervalSchedule")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=60, period="minutes")
    now = timezone.now()
    bots = [Bot.objects.create(name=name, handle=name.lower()) for name in ("On", "Opened", "Off")]
    on = Schedule.objects.create(bot=bots[0], every_minutes=60, opened_at=now)
    opened = Schedule.objects.create(
        bot=bots[1], every_minutes=60, opened_at=now, pending_at=now + timedelta(minutes=3)
    )
    off = Schedule.objects.create(bot=bots[2], enabled=False)
    for bot, task in [
        (bots[0], "autonomy.tasks.open_bot_slot"),
        (bots[1], "tweets.tasks.open_bot_slot"),
    ]:
        PeriodicTask.objects.create(
            name=f"aviary: bot {bot.pk} slot", task=task, interval=hourly, args=f"[{bot.pk}]"
        )
    PeriodicTask.objects.create(
        name="someone else's task", task="autonomy.tasks.open_bot_slot", interval=hourly
    )

    after = migrate(AFTER)

    tasks = after.get_model("django_celery_beat", "PeriodicTask").objects
    assert list(tasks.values_list("name", flat=True)) == ["someone else's task"]
    schedules = after.get_model("bots", "Schedule").objects
    assert schedules.get(pk=on.pk).next_run_at == now + timedelta(minutes=60)
    assert schedules.get(pk=opened.pk).next_run_at == now + timedelta(minutes=3)
    assert schedules.get(pk=off.pk).next_run_at is None


def test_the_migration_reverses_without_losing_the_schedules(before):
    Bot = before.get_model("bots", "Bot")
    Schedule = before.get_model("bots", "Schedule")
    Schedule.objects.create(bot=Bot.objects.create(name="Back", handle="back"), every_minutes=30)
    migrate(AFTER)

    reverted = migrate(BEFORE)

    assert reverted.get_model("bots", "Schedule").objects.get().every_minutes == 30
