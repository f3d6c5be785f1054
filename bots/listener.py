"""What a bot listens for: its keywords and reply limits, as a row and the words in it
(autonomy.listening reads the mentions and applies them)."""

import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot, Listener

# X's developer rule, shown where an owner turns on autopilot replies on X.
X_REPLY_RULE = (
    "Since 23 February 2026 X allows an automated reply only to a post whose author "
    "mentioned (or quoted) the bot in that very post, one reply per post; replying to "
    "keywords in posts that do not mention the bot gets the account suspended."
)


def parse_keywords(text: str) -> list[str]:
    """'Tide, moon;  Sea' -> ['tide', 'moon', 'sea']: lower-case, unique, in order."""
    words = [word.strip().lower() for word in re.split(r"[,;\n]", text)]
    return list(dict.fromkeys(word for word in words if word))


def ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def save_listener(bot: Bot, *, by=None, confirm_reply_rule: bool = False, **fields) -> Listener:
    """Create or change what the bot listens for and its reply limits (rows written:
    Listener, Activity). Reading starts from the newest mention at the first read.
    `confirm_reply_rule`: the owner (`by`) confirmed X's reply rule (X_REPLY_RULE), once,
    so autopilot replies on X go out on their own (Listener.replies_on_autopilot)."""
    with transaction.atomic():
        listener, created = Listener.objects.select_for_update().get_or_create(bot=bot)
        for name, value in fields.items():
            setattr(listener, name, value)
        confirming = confirm_reply_rule and listener.autopilot_confirmed_at is None
        if confirming:
            listener.autopilot_confirmed_at = timezone.now()
            listener.autopilot_confirmed_by = by
        listener.save()
        if confirming:
            record_activity(
                "bot.reply_rule_confirmed",
                message="Confirmed X's rule for automated replies (only to posts that "
                "mention the bot, one per post): autopilot replies may go out.",
                by=by,
                bot=bot,
            )
        if listener.enabled:
            mode = listener.get_reply_mode_display().lower()
            if listener.reply_mode == Bot.PostingMode.AUTOPILOT and not (
                listener.replies_on_autopilot()
            ):
                mode = "for review until X's reply rule is confirmed"
            summary = (
                f"listening for {', '.join(listener.keywords)}; replies "
                f"{mode}, at most "
                f"{listener.max_replies_per_conversation} per conversation and "
                f"{listener.max_replies_per_hour} an hour, one per account every "
                f"{ago(listener.cooldown)}"
            )
        else:
            summary = "not listening"
        record_activity(
            "bot.listener_saved",
            message=f"{'Set' if created else 'Changed'} listening: {summary}.",
            by=by,
            bot=bot,
        )
    return listener
