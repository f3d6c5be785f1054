"""What a bot listens for: its keywords and reply limits, as a row and the words in it
(autonomy.listening reads the mentions and applies them)."""

import re
from datetime import timedelta

from django.db import transaction

from activity.services import record_activity
from bots.models import Bot, Listener


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


def save_listener(bot: Bot, *, by=None, **fields) -> Listener:
    """Create or change what the bot listens for and its reply limits (rows written:
    Listener, Activity). Reading starts from the newest mention at the first read."""
    with transaction.atomic():
        listener, created = Listener.objects.select_for_update().get_or_create(bot=bot)
        for name, value in fields.items():
            setattr(listener, name, value)
        listener.save()
        if listener.enabled:
            summary = (
                f"listening for {', '.join(listener.keywords)}; replies "
                f"{listener.get_reply_mode_display().lower()}, at most "
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
