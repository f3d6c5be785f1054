"""State changes of bots: pausing, resuming, settings, verifying and re-keying their
credentials."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots import credentials as crypto
from bots.credentials import CREDENTIAL_NAMES, CredentialsUnreadable
from bots.models import Bot, Schedule, SignIn, XApp
from bots.schedule import refresh_next_run
from platforms import base, client_for


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str


def pause_bot(bot: Bot, *, by=None) -> None:
    """Stop the bot posting: queued tweets wait and its schedule's slots are skipped
    (rows written: Bot, Activity)."""
    _set_active(bot, False, by=by)


def resume_bot(bot: Bot, *, by=None) -> None:
    """Let the bot post again; its schedule's next slot is worked out afresh (rows written:
    Bot, Schedule, Activity)."""
    _set_active(bot, True, by=by)


def _set_active(bot: Bot, active: bool, *, by) -> None:
    with transaction.atomic():
        Bot.objects.filter(pk=bot.pk).update(is_active=active)
        record_activity(
            "bot.resumed" if active else "bot.paused",
            message="Resumed the bot."
            if active
            else "Paused the bot: nothing posts until resumed.",
            by=by,
            bot=bot,
        )
        bot.is_active = active
        schedule = Schedule.objects.filter(bot=bot).first()
        if active and schedule is not None:
            refresh_next_run(schedule)


def rotate_credentials() -> dict[str, int]:
    """Re-encrypt every stored secret under the newest key: bots' credentials, the site's X
    apps' keys and the request-token secrets of sign-ins still pending. Returns how many rows
    of each were rewritten ({"bots": n, "apps": n, "sign-ins": n}).

    Each row is rewritten in its own transaction, so an interrupted rotation can simply run
    again: tokens already under the newest key rotate to themselves.
    """
    bot_fields = [f"encrypted_{name}" for name in CREDENTIAL_NAMES] + ["encrypted_session"]
    return {
        "bots": _rotate_rows(Bot.objects.all(), bot_fields),
        "apps": _rotate_rows(
            XApp.objects.all(), ["encrypted_consumer_key", "encrypted_consumer_secret"]
        ),
        "sign-ins": _rotate_rows(
            SignIn.objects.pending(timezone.now()), ["encrypted_request_secret"]
        ),
    }


def _rotate_rows(rows, fields: list[str]) -> int:
    rotated = 0
    for pk in rows.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            row = rows.model.objects.select_for_update().get(pk=pk)
            changed = []
            for field in fields:
                if token := getattr(row, field):
                    setattr(row, field, crypto.rotate(token))
                    changed.append(field)
            if changed:
                row.save(update_fields=changed)
                rotated += 1
    return rotated


def save_bot_settings(bot: Bot, *, credentials: dict[str, str], by) -> bool:
    """Save the settings a validated form put on `bot`, and any re-entered credentials.

    Re-entered credentials clear a "reconnect" flag at once and queue a check of the new
    ones (rows written: Bot, Activity bot.credentials_replaced; task queued:
    bots.tasks.check_credentials once the transaction commits). Returns whether any
    credential was replaced. The secrets themselves never reach the log.
    """
    replaced = sorted(name for name, value in credentials.items() if value)
    with transaction.atomic():
        before = Bot.objects.filter(pk=bot.pk).first() if bot.pk else None
        changes = _setting_changes(before, bot) if before else []
        if changes:
            record_activity(
                "bot.settings_changed",
                message="Changed settings: "
                + "; ".join(f"{label} {before} → {after}" for label, before, after in changes)
                + ".",
                by=by,
                bot=bot,
            )
        bot.set_credentials(**credentials)
        if replaced:
            bot.attention_reason = ""
            bot.credentials_error = ""
            bot.verified_at = None
        bot.save()
        if replaced:
            from bots.tasks import check_credentials

            record_activity(
                "bot.credentials_replaced",
                message=f"Re-entered credentials ({', '.join(replaced)}); checking them now.",
                by=by,
                bot=bot,
            )
            check_credentials.delay_on_commit(bot.pk)
    return bool(replaced)


def _setting_changes(before: Bot, after: Bot) -> list[tuple[str, str, str]]:
    """(label, old, new) for each setting that differs; credentials are never compared."""
    changes = []
    for field in Bot._meta.concrete_fields:
        if not field.editable or field.name.startswith("encrypted_") or field.primary_key:
            continue
        old, new = getattr(before, field.attname), getattr(after, field.attname)
        if old != new:
            show = before._get_FIELD_display if field.choices else None
            old_text = show(field) if show else ("—" if old in (None, "") else old)
            new_text = after._get_FIELD_display(field) if field.choices else new
            changes.append((str(field.verbose_name), str(old_text), str(new_text or "—")))
    return changes


def verify_bot(
    bot: Bot,
    *,
    by=None,
    actor: str = "system",
    now: datetime | None = None,
    clears_flag: bool = True,
) -> Verification:
    """Ask X who the credentials belong to (one call to /2/users/me) and keep the outcome
    (rows written: Bot; Activity bot.credentials_ok / bot.credentials_failed on a change).

    On success the X user id, handle and time are stored. A refusal (401, 403, a token that
    does not decrypt) sets the bot's "reconnect" flag; a temporary error (5xx, timeout, rate
    limit) is only recorded as the last error and never marks the credentials dead. A
    person's verification (`clears_flag`) clears the flag on success; an automatic check
    does not, because /2/users/me answering is no proof that posting works (a read-only
    token reads it fine), so only a person ends a posting refusal.
    """
    now = now or timezone.now()
    who = {"by": by} if by is not None else {"actor": actor}
    if not bot.has_credentials():
        return Verification(False, "Enter all four credentials before verifying them.")
    try:
        account = client_for(bot).me()
    except CredentialsUnreadable as error:
        return _refused(bot, str(error), now=now, who=who)
    except (base.Unauthorized, base.Forbidden) as error:
        return _refused(bot, error.reason, now=now, who=who)
    except base.PlatformError as error:
        error_text = f"Temporary error, not a refusal: {error.reason}"
        Bot.objects.filter(pk=bot.pk).update(
            credentials_checked_at=now, credentials_error=error_text
        )
        bot.credentials_checked_at, bot.credentials_error = now, error_text
        return Verification(False, f"Could not verify {bot.name} just now: {error.reason}")
    news = bot.verified_at is None or bool(bot.credentials_error)
    fields = {
        "x_user_id": account.id,
        "handle": account.username[: Bot._meta.get_field("handle").max_length],
        "verified_at": now,
        "credentials_checked_at": now,
        "credentials_error": "",
    }
    message = f"Credentials verified: they post as @{account.username}."
    if clears_flag:
        news = news or bool(bot.attention_reason)
        fields["attention_reason"] = ""
    elif bot.attention_reason:
        message = (
            f"Credentials answered a check as @{account.username}; the refusal seen while "
            "posting stays until someone verifies or re-enters them."
        )
    with transaction.atomic():
        Bot.objects.filter(pk=bot.pk).update(**fields)
        if news:
            record_activity("bot.credentials_ok", message=message, bot=bot, **who)
    for name, value in fields.items():
        setattr(bot, name, value)
    return Verification(True, f"Verified: these credentials post as @{account.username}.")


def _refused(bot: Bot, reason: str, *, now: datetime, who: dict) -> Verification:
    with transaction.atomic():
        changed = Bot.objects.filter(pk=bot.pk).exclude(attention_reason=reason).exists()
        Bot.objects.filter(pk=bot.pk).update(
            attention_reason=reason,
            verified_at=None,
            credentials_checked_at=now,
            credentials_error=reason,
        )
        if changed:
            record_activity(
                "bot.credentials_failed",
                message=f"Credentials failed a check: {reason} Reconnect the bot.",
                bot=bot,
                **who,
            )
    bot.attention_reason, bot.verified_at = reason, None
    bot.credentials_checked_at, bot.credentials_error = now, reason
    return Verification(False, f"{bot.name} could not be verified: {reason}")


def share_bot(bot: Bot, *, user, by) -> None:
    """Make `user` a co-owner of `bot`: they see and run it as its owners do (rows written:
    bot owners, Activity bot.shared)."""
    with transaction.atomic():
        bot.owners.add(user)
        record_activity(
            "bot.shared", message=f"Shared the bot with {user.get_username()}.", by=by, bot=bot
        )


def unshare_bot(bot: Bot, *, user, by) -> None:
    """Take `user` off `bot`'s owners; the last owner stays (rows written: bot owners,
    Activity bot.unshared). Raises ValueError for the last owner."""
    with transaction.atomic():
        owners = Bot.owners.through.objects.select_for_update().filter(bot=bot)
        if not owners.exclude(user=user).exists():
            raise ValueError(f"{user.get_username()} is the last owner of {bot.name}.")
        bot.owners.remove(user)
        record_activity(
            "bot.unshared",
            message=f"{user.get_username()} no longer runs the bot.",
            by=by,
            bot=bot,
        )
