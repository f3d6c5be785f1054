"""The one way views fetch the bots, images and groups a user may act on: anything else
is a 404."""

from django.shortcuts import get_object_or_404

from bots.models import Bot, BotGroup, BotImage, SignIn
from platforms import PLATFORMS


def bot_for_user(user, pk) -> Bot:
    return get_object_or_404(Bot.objects.visible_to(user), pk=pk)


def gallery_image_for_user(user, bot_pk, image_pk) -> BotImage:
    bot = bot_for_user(user, bot_pk)
    return get_object_or_404(BotImage.objects.in_gallery().filter(bot=bot), pk=image_pk)


def group_for_user(user, pk) -> BotGroup:
    return get_object_or_404(BotGroup.objects.visible_to(user), pk=pk)


def sign_in_for_user(user, pk) -> SignIn:
    """A sign-in the person started themselves (finished or not: the caller tells which)."""
    return get_object_or_404(SignIn.objects.select_related("app", "bot"), pk=pk, user=user)


def sandbox_user_ids_for(user) -> set[str] | None:
    """The account ids (X user ids, Mastodon account ids, Bluesky DIDs) of the sandbox
    accounts `user`'s bots speak as: what the sandbox's pages may show them (project/urls.py
    hands this to xsandbox). None, for a superuser, means all."""
    if user.is_superuser:
        return None
    sandboxes = [name for name, platform in PLATFORMS.items() if platform.is_sandbox]
    bots = Bot.objects.visible_to(user).filter(platform__in=sandboxes).exclude(x_user_id="")
    return set(bots.values_list("x_user_id", flat=True))
