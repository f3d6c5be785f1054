"""Celery tasks for bots: credential health checks. Messages carry bot ids only."""

from celery import shared_task
from django.utils import timezone

from bots import health, services, spend
from bots.models import Bot


@shared_task
def check_credentials(bot_id: int) -> None:
    """Check bot N's credentials with X (bots.services.verify_bot, as an automatic check),
    unless a budget holds the bot's reads (bots.spend.hold_reads)."""
    bot = Bot.objects.filter(pk=bot_id).first()
    if bot is not None and not spend.hold_reads(bot):
        services.verify_bot(bot, actor="worker", clears_flag=False)


@shared_task
def check_due_credentials() -> int:
    """Every CREDENTIAL_CHECK_TICK_SECONDS (beat): queue a check for this tick's slice of
    the bots due one (bots.health); returns how many were queued."""
    due = health.bots_due_a_check(timezone.now())
    for bot_id in due:
        check_credentials.delay(bot_id)
    return len(due)
