# The schedule row becomes the one truth of when a slot runs: `next_run_at` (jitter included)
# replaces `pending_at`, and the per-bot django-celery-beat periodic tasks that used to open
# slots are deleted; one beat task (autonomy.tasks.run_due_slots) runs the rows that are due.

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.utils import timezone

OLD_TASKS = ["tweets.tasks.open_bot_slot", "autonomy.tasks.open_bot_slot"]


def first_slot_after(schedule, now):
    """The schedule's next slot after `now`, frozen here as the schedule read in this
    migration. Quiet hours are left out: a slot that falls in them is skipped when it runs,
    and the row moves on to the next one."""
    if schedule.kind == "interval":
        step = timedelta(minutes=schedule.every_minutes)
        anchor = schedule.opened_at or schedule.updated_at or now
        return anchor + step * max(1, (now - anchor) // step + 1)
    tz = ZoneInfo(schedule.time_zone)
    times = sorted(time(*map(int, value.split(":"))) for value in schedule.times_of_day)
    today = now.astimezone(tz).date()
    for offset in range(9):
        day = today + timedelta(days=offset)
        if day.weekday() in schedule.weekdays:
            for moment in times:
                slot = datetime.combine(day, moment, tz)
                if slot > now:
                    return slot
    return None


def fill_next_runs_and_delete_periodic_tasks(apps, schema_editor):
    Schedule = apps.get_model("bots", "Schedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    now = timezone.now()
    rng = random.Random()
    for schedule in Schedule.objects.filter(enabled=True):
        # A slot already opened and waiting out its jitter runs when it was going to.
        next_run_at = schedule.pending_at
        if next_run_at is None:
            slot = first_slot_after(schedule, now)
            jitter = timedelta(seconds=rng.uniform(0, schedule.jitter_minutes * 60))
            next_run_at = slot + jitter if slot else None
        Schedule.objects.filter(pk=schedule.pk).update(
            next_run_at=next_run_at, opened_at=schedule.opened_at or schedule.updated_at
        )
    deleted, _ = PeriodicTask.objects.filter(
        name__startswith="aviary: bot ", task__in=OLD_TASKS
    ).delete()
    if deleted:
        # A running DatabaseScheduler reloads its tasks when this row changes.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": now})


class Migration(migrations.Migration):
    dependencies = [
        ("bots", "0007_activity_moves_to_its_own_app"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="schedule",
            name="next_run_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(
            fill_next_runs_and_delete_periodic_tasks, migrations.RunPython.noop, elidable=True
        ),
        migrations.RemoveIndex(model_name="schedule", name="schedule_pending"),
        migrations.RemoveField(model_name="schedule", name="pending_at"),
        migrations.AddIndex(
            model_name="schedule",
            index=models.Index(
                condition=models.Q(next_run_at__isnull=False),
                fields=["next_run_at"],
                name="schedule_next_run",
            ),
        ),
    ]
