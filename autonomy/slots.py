"""What a bot does when its schedule's slot comes: a draft for review, or a post on
autopilot, unless it may not post, its schedule is off, or it is in quiet hours, at its
daily cap or out of budget.

The schedule row says when the next slot runs (`Schedule.next_run_at`, jitter included). One
beat task (autonomy.tasks.run_due_slots) finds the rows that are due and queues each slot; a
slot is claimed by one conditional UPDATE that also moves `next_run_at` on, so a message
delivered twice does nothing the second time, and a skipped slot moves on like any other.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot, Schedule
from bots.schedule import in_quiet_hours, next_run, slot_of
from tweets import drafting, services
from tweets.budget import budget_for
from tweets.generation import CannotGenerate
from tweets.models import Tweet


@dataclass(frozen=True)
class SlotOutcome:
    ran: bool
    message: str
    tweet: Tweet | None = None


def due_slots(now: datetime) -> list[int]:
    """Bots whose next slot's time has come: the beat task queues these."""
    return list(Schedule.objects.filter(next_run_at__lte=now).values_list("bot_id", flat=True))


def run_slot(bot_id: int, *, now: datetime | None = None, rng=None) -> SlotOutcome:
    """Run the bot's due slot once (rows written: Schedule, Tweet, Activity; task queued:
    post_tweet).

    1. Claim the slot: one conditional UPDATE moves `next_run_at` to the slot after this one
       (jitter drawn again) and records this slot as the one an interval counts from.
    2. Skip it when the bot may not post, the schedule is off, or quiet hours, the daily cap
       or the budget say so.
    3. Review first: the oldest approved draft waiting for a slot goes out, and a new draft
       joins the review queue. Autopilot: a new draft is approved and posted.
    """
    now = now or timezone.now()
    rng = rng or random.Random()
    schedule = Schedule.objects.select_related("bot").filter(bot_id=bot_id).first()
    if schedule is None or schedule.next_run_at is None or schedule.next_run_at > now:
        return SlotOutcome(False, "No slot is due.")
    due_at = schedule.next_run_at
    schedule.opened_at = slot_of(schedule, due_at)
    claimed = Schedule.objects.filter(pk=schedule.pk, next_run_at=due_at).update(
        next_run_at=next_run(schedule, now, rng), last_run_at=now, opened_at=schedule.opened_at
    )
    if not claimed:
        return SlotOutcome(False, "This slot already ran.")
    bot = schedule.bot
    if not schedule.enabled:
        return SlotOutcome(False, "The schedule is off.")
    if not bot.can_post():
        return SlotOutcome(False, "The bot may not post now (paused, refused or out of credit).")
    if in_quiet_hours(schedule, now):
        return SlotOutcome(False, "Quiet hours.")
    if budget_for(bot, now).cap_reached():
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
        drafts = drafting.generate_drafts(bot, count=1, rng=rng, actor="schedule")
    except CannotGenerate as error:
        return _skip(bot, str(error))
    if not drafts:
        return _skip(bot, "the corpus gave no new sentence that fits")
    draft = drafts[0]
    if bot.posting_mode == Bot.PostingMode.AUTOPILOT:
        try:
            services.approve_tweet(draft, by=None, actor="schedule")
        except services.InvalidText as error:
            # X's rules across the flock refuse it (tweets.flock): it waits for a person.
            return _skip(bot, f"the draft waits for review: {error}")
        return SlotOutcome(True, "Wrote and queued a post.", draft)
    return SlotOutcome(True, "Wrote a draft for review.", draft)


def _skip(bot: Bot, reason: str) -> SlotOutcome:
    record_activity(
        "schedule.skipped", message=f"Skipped a slot: {reason}.", actor="schedule", bot=bot
    )
    return SlotOutcome(False, f"Skipped: {reason}.")
