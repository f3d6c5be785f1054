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


def image_bytes(*, size=(64, 48), color=(200, 60, 30), format="PNG", **options) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format, **options)
    return buffer.getvalue()


def make_image(*, bot, color=(200, 60, 30), alt_text=""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bots.gallery import add_gallery_image, set_alt_text

    upload = SimpleUploadedFile("picture.png", image_bytes(color=color), "image/png")
    image = add_gallery_image(bot, upload=upload).image
    if alt_text:
        set_alt_text(image, text=alt_text)
    return image


def make_staff(user, *models):
    """Let `user` into the admin with every permission on `models`, as a staff member
    who is not a superuser."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    user.is_staff = True
    user.save()
    types = ContentType.objects.get_for_models(*models).values()
    user.user_permissions.add(*Permission.objects.filter(content_type__in=types))
    return user


def make_sandbox_post(*, account, text, image_alt_text=None):
    """A post on a sandbox account, with one stored image when `image_alt_text` is given."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from xsandbox.models import Media, Post

    post = Post.objects.create(account=account, text=text)
    if image_alt_text is not None:
        data = image_bytes()
        media = Media(
            account=account,
            content_type="image/png",
            width=64,
            height=48,
            size=len(data),
            alt_text=image_alt_text,
            expires_at=timezone.now() + timedelta(days=1),
        )
        media.file.save(f"{account.pk}-{post.pk}.png", ContentFile(data))
        post.media.add(media)
    return post


def make_sandbox_mentions(*, author, mentioned, count, text="@{handle} hello number {n}"):
    """`count` posts by the sandbox account `author` that mention `mentioned`, oldest first."""
    from xsandbox.models import Post

    posts = Post.objects.bulk_create(
        Post(account=author, text=text.format(handle=mentioned.handle, n=n)) for n in range(count)
    )
    Post.mentioned.through.objects.bulk_create(
        Post.mentioned.through(post_id=post.pk, account_id=mentioned.pk) for post in posts
    )
    return posts


def make_operator(**fields):
    """A user in the Bot operators group (bots.0011 makes it; a flushed test database lost
    it, so it is made again the same way here)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Bot operators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="bots", codename="add_bot")
    )
    user = make_user(**fields)
    group.user_set.add(user)
    return user
