"""Bots: an account on X, Mastodon or Bluesky that Aviary speaks for, its encrypted
credentials, schedule, listening and image gallery, its groups; the site's developer apps
that bots connect through, and the sign-ins that connect them. A package of named parts,
each imported here so `bots.models` names them all."""

from bots.models.bot import MAX_DRAFT_AGE_HOURS, Bot, BotQuerySet, x_handle_validator
from bots.models.gallery import BotImage, BotImageQuerySet, gallery_path, thumbnail_path
from bots.models.groups import BotGroup, BotGroupQuerySet
from bots.models.ledger import DailySpend, ReadCharge, SiteBudget, budget_field
from bots.models.listening import DoNotReply, Listener
from bots.models.schedule import Schedule, default_weekdays
from bots.models.signins import SignIn, SignInQuerySet, XApp, XAppQuerySet

__all__ = [
    "MAX_DRAFT_AGE_HOURS",
    "Bot",
    "BotGroup",
    "BotGroupQuerySet",
    "BotImage",
    "BotImageQuerySet",
    "BotQuerySet",
    "DailySpend",
    "DoNotReply",
    "Listener",
    "ReadCharge",
    "Schedule",
    "SignIn",
    "SignInQuerySet",
    "SiteBudget",
    "XApp",
    "XAppQuerySet",
    "budget_field",
    "default_weekdays",
    "gallery_path",
    "thumbnail_path",
    "x_handle_validator",
]
