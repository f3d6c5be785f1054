"""Celery tasks for what bots do on their own: slots of schedules and listening. They take
ids, load the row and call autonomy.slots or autonomy.listening."""

from celery import shared_task
from django.utils import timezone

from autonomy import listening, slots
from bots.models import Bot
from tweets import budget


@shared_task
def run_bot_slot(bot_id: int) -> str:
    """Run a bot's due slot (autonomy.slots.run_slot): a draft or a post, or a skip; a
    second delivery finds the slot already claimed and does nothing."""
    return slots.run_slot(bot_id).message


@shared_task
def listen_for_mentions() -> int:
    """Every LISTEN_INTERVAL_SECONDS (beat): queue a read of the mentions of each listening
    bot its budget lets read now (tweets.budget.listening_due)."""
    now = timezone.now()
    bot_ids = budget.listening_due(listening.listening_bots(now), now)
    for bot_id in bot_ids:
        check_mentions.delay(bot_id)
    return len(bot_ids)


@shared_task
def check_mentions(bot_id: int) -> int:
    """Read and decide bot N's new mentions (autonomy.listening.check_mentions)."""
    bot = Bot.objects.filter(pk=bot_id).first()
    if bot is None or not hasattr(bot, "listener"):
        return 0
    return len(listening.check_mentions(bot))


@shared_task
def run_due_slots() -> int:
    """Every SWEEP_INTERVAL_SECONDS (beat): queue a run of each schedule slot that is due
    (the one task that runs schedules; no per-bot periodic tasks)."""
    bot_ids = slots.due_slots(timezone.now())
    for bot_id in bot_ids:
        run_bot_slot.delay(bot_id)
    return len(bot_ids)
