"""The one way views fetch a tweet a user may act on: anything else is a 404."""

from django.shortcuts import get_object_or_404

from bots.models import Bot
from tweets.models import Tweet


def tweet_for_user(user, pk) -> Tweet:
    tweets = Tweet.objects.select_related("bot__schedule")
    if not user.is_superuser:
        tweets = tweets.filter(bot__in=Bot.objects.visible_to(user))
    return get_object_or_404(tweets, pk=pk)
