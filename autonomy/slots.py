"""What a bot does when its schedule's slot comes: a draft for review, or a post on
autopilot, unless it is paused, in quiet hours, at its daily cap or out of budget.

Beat opens a slot at its nominal time (autonomy.tasks.open_bot_slot). With jitter the slot
runs later: the row keeps `pending_at`, and the minute sweep runs it when it is due, so no
task ever waits in the broker. A slot is claimed by a conditional UPDATE, so a message
delivered twice does nothing the second time.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot, Schedule
from bots.schedule import in_quiet_hours, remove_periodic_tasks
from tweets import services
from tweets.budget import budget_for
from tweets.generation import CannotGenerate
from tweets.models import Tweet

# Beat may deliver one opening twice (a restart, a redelivery): openings closer than this
# are the same slot.
SAME_SLOT = timedelta(seconds=30)


@dataclass(frozen=True)
class SlotOutcome:
    ran: bool
    message: str
    tweet: Tweet | None = None


def open_slot(bot_id: int, *, now: datetime | None = None, rng=None) -> SlotOutcome:
    """Beat says a slot of this bot has come (rows written: Schedule). Without jitter the
    slot runs at once; with it, `pending_at` says when, and the sweep runs it then."""
    now = now or timezone.now()
    rng = rng or random.Random()
    schedule = Schedule.objects.filter(bot_id=bot_id).first()
    if schedule is None:
        remove_periodic_tasks(bot_id)
        return SlotOutcome(False, "The bot has no schedule any more.")
    delay = timedelta(seconds=rng.uniform(0, schedule.jitter_minutes * 60))
    opened = (
        Schedule.objects.filter(pk=schedule.pk)
        .filter(Q(opened_at__isnull=True) | Q(opened_at__lt=now - SAME_SLOT))
        .update(opened_at=now, pending_at=now + delay)
    )
    if not opened:
        return SlotOutcome(False, "This slot was already opened.")
    if delay:
        return SlotOutcome(False, f"The slot runs at {now + delay:%H:%M:%S}.")
    return run_slot(bot_id, now=now, rng=rng)


def due_slots(now: datetime) -> list[int]:
    """Bots whose opened slot's jitter has passed: the sweep runs these."""
    return list(Schedule.objects.filter(pending_at__lte=now).values_list("bot_id", flat=True))


def run_slot(bot_id: int, *, now: datetime | None = None, rng=None) -> SlotOutcome:
    """Run the bot's due slot once (rows written: Schedule, Tweet, Activity; task queued:
    post_tweet). Review first: the oldest approved draft waiting for a slot goes out, and a
    new draft joins the review queue. Autopilot: a new draft is approved and posted. Paused
    bots, quiet hours and the daily cap skip the slot."""
    now = now or timezone.now()
    claimed = Schedule.objects.filter(bot_id=bot_id, pending_at__lte=now).update(
        pending_at=None, last_run_at=now
    )
    if not claimed:
        return SlotOutcome(False, "No slot is due.")
    schedule = Schedule.objects.select_related("bot").get(bot_id=bot_id)
    bot = schedule.bot
    if not (bot.is_active and schedule.enabled):
        return SlotOutcome(False, "The bot or its schedule is paused.")
    if in_quiet_hours(schedule, now):
        return SlotOutcome(False, "Quiet hours.")
    if slot_cap_reached(bot, now):
        return _skip(bot, f"daily cap reached ({bot.daily_post_cap} posts in 24 hours)")
    if budget_for(bot, now).budget_reached():
        return _skip(bot, "the monthly budget is spent")
    if bot.posting_mode == Bot.PostingMode.REVIEW:
        released = services.release_waiting_tweet(bot, now=now)
        if Tweet.objects.filter(bot=bot, state=Tweet.State.DRAFT).count() >= (
            settings.SCHEDULE_MAX_WAITING_DRAFTS
        ):
            return SlotOutcome(bool(released), "Enough drafts are waiting for review.", released)
    try:
        drafts = services.generate_drafts(bot, count=1, rng=rng, actor="schedule")
    except CannotGenerate as error:
        return _skip(bot, str(error))
    if not drafts:
        return _skip(bot, "the corpus gave no new sentence that fits")
    draft = drafts[0]
    if bot.posting_mode == Bot.PostingMode.AUTOPILOT:
        services.approve_tweet(draft, by=None, actor="schedule")
        return SlotOutcome(True, "Wrote and queued a post.", draft)
    return SlotOutcome(True, "Wrote a draft for review.", draft)


def slot_cap_reached(bot: Bot, now: datetime) -> bool:
    """Posted in the last 24 hours plus already on the way, against the daily cap."""
    since = now - timedelta(hours=24)
    used = Tweet.objects.filter(bot=bot).filter(
        Q(state=Tweet.State.POSTED, posted_at__gte=since)
        | Q(state__in=[Tweet.State.POSTING, Tweet.State.UNKNOWN])
        | Q(state=Tweet.State.APPROVED, awaits_slot=False)
    )
    return used.count() >= bot.daily_post_cap


def _skip(bot: Bot, reason: str) -> SlotOutcome:
    record_activity(
        "schedule.skipped", message=f"Skipped a slot: {reason}.", actor="schedule", bot=bot
    )
    return SlotOutcome(False, f"Skipped: {reason}.")
