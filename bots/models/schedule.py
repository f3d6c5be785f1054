"""When a bot posts on its own: its Schedule row."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bots.models.bot import Bot


def default_weekdays():
    return list(range(7))


class Schedule(models.Model):
    """When a bot posts on its own: every N minutes, or at times of day on chosen weekdays,
    in the bot's time zone, with jitter and quiet hours. The row is the one truth of when
    the next slot runs (`next_run_at`); one beat task runs the rows that are due."""

    class Kind(models.TextChoices):
        INTERVAL = "interval", "Every N minutes"
        TIMES = "times", "At times of day"

    bot = models.OneToOneField(Bot, on_delete=models.CASCADE, related_name="schedule")
    enabled = models.BooleanField(default=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.INTERVAL)
    every_minutes = models.PositiveIntegerField(
        default=240, validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)]
    )
    # "HH:MM" strings in the bot's time zone, sorted.
    times_of_day = models.JSONField(default=list, blank=True)
    # Monday is 0, as in Python's datetime.weekday().
    weekdays = models.JSONField(default=default_weekdays, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    jitter_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(720)],
        help_text="Each slot happens up to this many minutes late, at random.",
    )
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # The nominal slot (jitter left out) that an interval counts from: the last slot run, or
    # when the schedule was saved.
    opened_at = models.DateTimeField(null=True, blank=True)
    # When the next slot runs, jitter included; None while the schedule is off.
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_run_at"],
                name="schedule_next_run",
                condition=models.Q(next_run_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"Schedule of {self.bot.name}"
