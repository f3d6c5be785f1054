"""A schedule's slot with a real worker and beat and the sandbox over HTTP: beat's one slot
task finds the due row, the slot posts once however many messages say so, and the row
moves on to the next slot."""

from datetime import timedelta

import pytest
from django.utils import timezone

from autonomy.tasks import run_bot_slot
from bots.models import Bot, Schedule
from bots.schedule import save_schedule
from tests.integration.processes import wait_until
from tests.integration.test_pipeline import processes  # noqa: F401 - the fixture, shared
from tests.integration.world import ready_corpus_for, sandbox_bot, sandbox_timeline
from tweets.models import Tweet

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_beat_runs_a_due_slot_once_and_moves_the_schedule_on(processes):  # noqa: F811
    bot = sandbox_bot(name="Clockwork", handle="clockwork", posting_mode=Bot.PostingMode.AUTOPILOT)
    ready_corpus_for(bot)
    now = timezone.now()
    save_schedule(bot, every_minutes=60, now=now - timedelta(minutes=60))
    # Two deliveries of the same slot wait in the broker, and beat sweeps for due rows too.
    run_bot_slot.delay(bot.pk)
    run_bot_slot.delay(bot.pk)

    worker = processes.worker("w1")
    processes.beat()

    wait_until(
        lambda: Tweet.objects.filter(bot=bot, state=Tweet.State.POSTED).exists(),
        timeout=60,
        message=f"the slot never posted:\n{processes.logs()}",
    )
    wait_until(
        lambda: "No slot is due." in worker.log() or "already ran" in worker.log(),
        timeout=30,
        message=f"the second delivery never ran:\n{processes.logs()}",
    )
    assert Tweet.objects.filter(bot=bot).count() == 1
    assert len(sandbox_timeline(bot)) == 1
    schedule = Schedule.objects.get(bot=bot)
    assert schedule.opened_at == now
    assert schedule.next_run_at == now + timedelta(minutes=60)
