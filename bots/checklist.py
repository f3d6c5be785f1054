"""X's checklist for automated accounts (developer rules, 2026): the "automated" label set
(only a person can, at X, so a person confirms it here), a bio that says the account is a
bot and who runs it, and the human account that runs it linked."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots.models import Bot
from platforms import rules_for

# Words in a bio that say the account is automated.
_SAYS_BOT = re.compile(r"\b(bot|automated|automatic)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    label: str
    done: bool
    how: str


def checklist_for(bot: Bot) -> list[Item]:
    """The checklist of a bot on a network that asks it (X), else []."""
    if not rules_for(bot).automated_account_checklist:
        return []
    operator = bot.operator_handle.lower()
    bio = bot.bio
    says_operator = bool(operator) and operator in bio.lower()
    return [
        Item(
            "The “automated” label is set",
            bot.automated_label_confirmed_at is not None,
            "Set it at X (Settings, Your account, Account information, Automation), then "
            "confirm it here: the API cannot set it.",
        ),
        Item(
            "The bio says it is a bot, and who runs it",
            bool(_SAYS_BOT.search(bio)) and says_operator,
            "Write in the account's bio that it is a bot run by @operator, then verify the "
            "credentials to read it again"
            + (f". Its bio now: “{bio}”" if bio else ": X gave no bio at the last check"),
        ),
        Item(
            "The human account that runs it is linked",
            bool(operator),
            "Give the operator's handle below (the account X's label links to).",
        ),
    ]


def open_items(bot: Bot) -> list[Item]:
    return [item for item in checklist_for(bot) if not item.done]


def bots_with_open_items(bots) -> list[tuple[Bot, int]]:
    """Each of `bots` with something left on its checklist, and how many items."""
    found = [(bot, len(open_items(bot))) for bot in bots]
    return [(bot, count) for bot, count in found if count]


def save_checklist(bot: Bot, *, by, label_set: bool, operator_handle: str) -> None:
    """Record a person's word on the label and the operator's handle (rows written: Bot,
    Activity bot.checklist_saved)."""
    fields = {"operator_handle": operator_handle.lstrip("@")}
    if label_set and bot.automated_label_confirmed_at is None:
        fields.update(automated_label_confirmed_at=timezone.now(), automated_label_confirmed_by=by)
    elif not label_set:
        fields.update(automated_label_confirmed_at=None, automated_label_confirmed_by=None)
    with transaction.atomic():
        Bot.objects.filter(pk=bot.pk).update(**fields)
        for name, value in fields.items():
            setattr(bot, name, value)
        done = len(checklist_for(bot)) - len(open_items(bot))
        record_activity(
            "bot.checklist_saved",
            message=f"Saved X's automated-account checklist: {done} of "
            f"{len(checklist_for(bot))} done.",
            by=by,
            bot=bot,
        )
