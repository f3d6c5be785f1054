"""Bot groups: name a set of bots, then pause, resume or generate drafts for all of them at
once, through the same services as one bot, each action in the activity log."""

from dataclasses import dataclass

from django.db import transaction

from bots import services
from bots.models import Bot, BotGroup


@dataclass(frozen=True)
class GroupOutcome:
    count: int
    message: str


# save_group leaves the group's members and budget as they are unless told.
MEMBERS_PER_PAGE = 50
KEEP = object()


def save_group(
    group: BotGroup, *, name: str, by, bots=KEEP, created_by=None, monthly_budget_usd=KEEP
) -> BotGroup:
    """Create or change a group (rows written: BotGroup, and its members when `bots` is
    given). A new group is kept by `by` unless `created_by` (a superuser's choice in the
    admin) names its keeper; its monthly budget changes when `monthly_budget_usd` is given
    (None: no budget)."""
    with transaction.atomic():
        group.name = name
        if monthly_budget_usd is not KEEP:
            group.monthly_budget_usd = monthly_budget_usd
        if created_by is not None:
            group.created_by = created_by
        elif group.pk is None:
            group.created_by = by
        group.save()
        if bots is not KEEP:
            group.bots.set(bots)
    return group


def add_to_group(group: BotGroup, bot: Bot) -> bool:
    """Make `bot` one of the group's bots (rows written: one membership); False if it was."""
    if group.bots.filter(pk=bot.pk).exists():
        return False
    group.bots.add(bot)
    return True


def remove_from_group(group: BotGroup, bot: Bot) -> None:
    """Take `bot` out of the group (rows deleted: its membership); the bot is untouched."""
    group.bots.remove(bot)


def delete_group(group: BotGroup) -> None:
    """Forget the group; its bots are untouched."""
    group.delete()


def members_for(group: BotGroup, user):
    """The group's bots that `user` may act on."""
    return group.bots.filter(pk__in=Bot.objects.visible_to(user)).order_by("name")


def pause_group(group: BotGroup, *, by) -> GroupOutcome:
    """Pause every active bot of the group the person owns (bots.services.pause_bot)."""
    bots = [bot for bot in members_for(group, by) if bot.is_active]
    with transaction.atomic():
        for bot in bots:
            services.pause_bot(bot, by=by)
    return GroupOutcome(len(bots), f"Paused {bots_phrase(len(bots))} in {group.name}.")


def resume_group(group: BotGroup, *, by) -> GroupOutcome:
    """Resume every paused bot of the group the person owns (bots.services.resume_bot)."""
    bots = [bot for bot in members_for(group, by) if not bot.is_active]
    with transaction.atomic():
        for bot in bots:
            services.resume_bot(bot, by=by)
    return GroupOutcome(len(bots), f"Resumed {bots_phrase(len(bots))} in {group.name}.")


def bots_phrase(count: int) -> str:
    return f"{count} bot{'s' if count != 1 else ''}"


def filter_by_group(bots, user, group_id) -> tuple:
    """`bots` narrowed to the user's group `group_id` (a query parameter: anything that is
    not one of the user's groups leaves them as they are), and that group or None."""
    group = None
    if group_id and str(group_id).isdecimal():  # "²" is a digit that int() refuses
        group = BotGroup.objects.visible_to(user).filter(pk=int(group_id)).first()
    return (bots.filter(groups=group) if group else bots), group
