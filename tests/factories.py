"""Small builders for test rows: plain functions with sensible defaults."""

from itertools import count

from django.contrib.auth import get_user_model

from bots.models import Bot
from corpora.models import Corpus, CorpusSource
from tweets.models import Tweet

_serial = count(1)


def make_user(*, superuser=False, **fields):
    n = next(_serial)
    fields.setdefault("username", f"user{n}")
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(password="pw-for-tests-1", email="", **fields)
    return User.objects.create_user(password="pw-for-tests-1", **fields)


def make_bot(*, owners=(), credentials=None, **fields):
    n = next(_serial)
    fields.setdefault("name", f"bot{n}")
    fields.setdefault("handle", f"bot{n}")
    bot = Bot(**fields)
    if credentials:
        bot.set_credentials(**credentials)
    bot.save()
    bot.owners.add(*owners)
    return bot


def make_corpus(*, text="", **fields):
    n = next(_serial)
    fields.setdefault("name", f"corpus{n}")
    corpus = Corpus.objects.create(**fields)
    if text:
        CorpusSource.objects.create(
            corpus=corpus, kind=CorpusSource.Kind.TEXT, text=text, size=len(text.encode())
        )
    return corpus


def make_tweet(*, bot, **fields):
    fields.setdefault("text", f"Tweet number {next(_serial)}")
    return Tweet.objects.create(bot=bot, **fields)
