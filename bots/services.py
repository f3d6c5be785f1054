"""State changes of bots: pausing, resuming, verifying and re-keying their credentials."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bots import credentials as crypto
from bots.credentials import CREDENTIAL_NAMES, CredentialsUnreadable
from bots.models import Bot, Schedule


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str


def pause_bot(bot: Bot) -> None:
    """Stop the bot posting: queued tweets wait, its schedule's periodic tasks are disabled."""
    _set_active(bot, False)


def resume_bot(bot: Bot) -> None:
    """Let the bot post again, its schedule's periodic tasks enabled."""
    _set_active(bot, True)


def _set_active(bot: Bot, active: bool) -> None:
    from tweets.schedule import sync_periodic_tasks

    with transaction.atomic():
        Bot.objects.filter(pk=bot.pk).update(is_active=active)
        bot.is_active = active
        schedule = Schedule.objects.filter(bot=bot).first()
        if schedule is not None:
            schedule.bot = bot
            sync_periodic_tasks(schedule)


def rotate_credentials() -> int:
    """Re-encrypt every stored credential under the newest key; returns bots rewritten.

    Each bot is rewritten in its own transaction, so an interrupted rotation can simply run
    again: tokens already under the newest key rotate to themselves.
    """
    rotated = 0
    for pk in Bot.objects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            bot = Bot.objects.select_for_update().get(pk=pk)
            changed = []
            for name in CREDENTIAL_NAMES:
                field = f"encrypted_{name}"
                if token := getattr(bot, field):
                    setattr(bot, field, crypto.rotate(token))
                    changed.append(field)
            if changed:
                bot.save(update_fields=changed)
                rotated += 1
    return rotated


def verify_bot(bot: Bot) -> Verification:
    """Ask X who the credentials belong to (one call to /2/users/me). On success the X user
    id, handle and time are stored and any attention flag is cleared; on failure the reason
    is stored as the bot's attention flag when the credentials themselves are at fault."""
    from bots import x_api

    if not bot.has_credentials():
        return Verification(False, "Enter all four credentials before verifying them.")
    try:
        account = x_api.XClient(bot).me()
    except CredentialsUnreadable as error:
        return _refused(bot, str(error))
    except (x_api.Unauthorized, x_api.Forbidden) as error:
        return _refused(bot, error.reason)
    except x_api.XApiError as error:
        return Verification(False, f"Could not verify {bot.name} just now: {error.reason}")
    fields = {
        "x_user_id": account.id,
        "handle": account.username[:15],
        "verified_at": timezone.now(),
        "attention_reason": "",
    }
    Bot.objects.filter(pk=bot.pk).update(**fields)
    for name, value in fields.items():
        setattr(bot, name, value)
    return Verification(True, f"Verified: these credentials post as @{account.username}.")


def _refused(bot: Bot, reason: str) -> Verification:
    Bot.objects.filter(pk=bot.pk).update(attention_reason=reason, verified_at=None)
    bot.attention_reason = reason
    return Verification(False, f"{bot.name} could not be verified: {reason}")
