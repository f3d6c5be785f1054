"""The one way views fetch what a user may act on: anything else is a 404."""

from django.shortcuts import get_object_or_404

from bots.models import Bot


def bot_for_user(user, pk) -> Bot:
    return get_object_or_404(Bot.objects.visible_to(user), pk=pk)


def tweet_for_user(user, pk):
    from tweets.models import Tweet

    tweets = Tweet.objects.select_related("bot")
    if not user.is_superuser:
        tweets = tweets.filter(bot__in=Bot.objects.visible_to(user))
    return get_object_or_404(tweets, pk=pk)


def corpus_for_user(user, pk):
    from corpora.models import Corpus

    return get_object_or_404(Corpus.objects.visible_to(user), pk=pk)


def gallery_image_for_user(user, bot_pk, image_pk):
    from bots.models import BotImage

    bot = bot_for_user(user, bot_pk)
    return get_object_or_404(BotImage.objects.in_gallery().filter(bot=bot), pk=image_pk)


def group_for_user(user, pk):
    from bots.models import BotGroup

    return get_object_or_404(BotGroup.objects.visible_to(user), pk=pk)
