"""Every admin page works for a superuser, and no page ever shows a credential."""

import io

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activity.models import Activity
from activity.services import record_activity
from autonomy.models import Mention
from bots.models import Bot, BotGroup, BotImage
from corpora.models import BotCorpus, Corpus, CorpusSource
from tests.conftest import SECRETS
from tests.factories import (
    image_bytes,
    make_bot,
    make_corpus,
    make_image,
    make_staff,
    make_tweet,
    make_user,
)
from tweets.models import PostAttempt, Tweet, TweetImage


def png_file():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="upload.png")


@pytest.fixture
def one_of_each(bot):
    corpus = make_corpus(text="The dog barks. The cat sleeps.")
    BotCorpus.objects.create(bot=bot, corpus=corpus)
    tweet = make_tweet(bot=bot)
    PostAttempt.objects.create(tweet=tweet, number=1, started_at=tweet.created_at)
    BotImage.objects.create(bot=bot, image=png_file(), format="PNG", sha256="ab" * 32)
    return {
        Bot: bot,
        Corpus: corpus,
        CorpusSource: corpus.sources.get(),
        Tweet: tweet,
        PostAttempt: tweet.attempts.get(),
        BotImage: bot.images.get(),
    }


def test_every_admin_page_loads_for_a_superuser(client, superuser, one_of_each):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"{prefix}_changelist"))
        assert changelist.status_code == 200, model
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert client.get(reverse(f"{prefix}_add")).status_code == 200, model
        row = one_of_each.get(model) or model.objects.first()
        if row is not None:
            change = client.get(reverse(f"{prefix}_change", args=[row.pk]))
            assert change.status_code == 200, model


def test_admin_never_renders_credentials(client, superuser, bot):
    client.force_login(superuser)
    pages = [
        client.get(reverse("admin:bots_bot_changelist")),
        client.get(reverse("admin:bots_bot_change", args=[bot.pk])),
        # An invalid submission re-renders the form with what was typed.
        client.post(
            reverse("admin:bots_bot_change", args=[bot.pk]),
            {"name": "", "handle": "not a handle!", "platform": "x", **SECRETS},
        ),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert not any(secret in html for secret in SECRETS.values())
    assert "Saved. Leave blank to keep it" in pages[1].content.decode()


def test_admin_saves_new_credentials_and_keeps_blank_ones(client, superuser, bot):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:bots_bot_change", args=[bot.pk]),
        {
            "name": bot.name,
            "handle": "@renamed",
            "platform": "sandbox",
            "is_active": "on",
            "posting_mode": "review",
            "daily_post_cap": "10",
            "access_token": "replacement-token",
        },
    )
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.handle == "renamed"
    assert bot.credentials().access_token == "replacement-token"
    assert bot.credentials().consumer_key == SECRETS["consumer_key"]


def test_the_admin_asks_only_for_the_credentials_of_the_bots_network(client, superuser, bot):
    mastodon = make_bot(platform="mastodon_sandbox", handle="toot@localhost")
    bluesky = make_bot(platform="bluesky_sandbox", handle="sky.bsky.sandbox.test")
    client.force_login(superuser)

    def page(bot):
        url = reverse("admin:bots_bot_change", args=[bot.pk])
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    on_x, on_mastodon, on_bluesky = page(bot), page(mastodon), page(bluesky)
    assert 'name="consumer_key"' in on_x and 'name="app_password"' not in on_x
    assert 'name="consumer_key"' not in on_mastodon and 'name="access_token"' not in on_mastodon
    assert 'name="app_password"' in on_bluesky and 'name="consumer_key"' not in on_bluesky
    assert "The Bluesky sandbox credentials (write-only)" in on_bluesky
    new = client.get(reverse("admin:bots_bot_add")).content.decode()
    assert 'name="consumer_key"' in new and 'name="app_password"' in new


def test_pause_and_resume_actions(client, superuser, bot):
    client.force_login(superuser)
    url = reverse("admin:bots_bot_changelist")
    client.post(url, {"action": "pause", "_selected_action": [bot.pk]})
    bot.refresh_from_db()
    assert not bot.is_active
    client.post(url, {"action": "resume", "_selected_action": [bot.pk]})
    bot.refresh_from_db()
    assert bot.is_active


def test_staff_owner_sees_only_their_bots_in_admin(client, owner, bot, credential_keys):
    from tests.factories import make_bot

    other = make_bot(name="someone-elses")
    owner.is_staff = True
    owner.save()
    from django.contrib.auth.models import Permission

    owner.user_permissions.add(*Permission.objects.filter(codename__endswith="_bot"))
    client.force_login(owner)
    html = client.get(reverse("admin:bots_bot_changelist")).content.decode()
    assert bot.name in html
    assert other.name not in html
    assert client.get(reverse("admin:bots_bot_change", args=[other.pk])).status_code == 302


def test_the_admin_is_closed_to_users_who_are_not_staff(client, owner, one_of_each):
    client.force_login(owner)  # owns the bot, but is not staff
    for model, instance in one_of_each.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for url in (
            reverse(f"{prefix}_changelist"),
            reverse(f"{prefix}_add"),
            reverse(f"{prefix}_change", args=[instance.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url


# A staff member who is not a superuser, with every permission on every model of the site,
# is contained by the admin as the site contains them: another owner's bots, corpora, texts,
# groups and name appear on no admin page, in no filter and in no choice.

SITE_MODELS = [Bot, BotImage, BotGroup, BotCorpus, Corpus, CorpusSource, Tweet, PostAttempt]
THEIR_NAMES = [
    "stranger-owner",
    "their-bot",
    "Their corpus",
    "Their secret words",
    "Their private draft",
    "Their group",
    "stranger_elsewhere",
]


@pytest.fixture
def staff(client, owner, bot):
    make_staff(owner, *SITE_MODELS, Mention, Activity, TweetImage)
    client.force_login(owner)
    return client


@pytest.fixture
def theirs(db, credential_keys):
    stranger = make_user(username="stranger-owner")
    their_bot = make_bot(name="their-bot", handle="theirbot", owners=[stranger])
    corpus = make_corpus(name="Their corpus", text="Their secret words.", created_by=stranger)
    BotCorpus.objects.create(bot=their_bot, corpus=corpus)
    tweet = make_tweet(bot=their_bot, text="Their private draft")
    PostAttempt.objects.create(tweet=tweet, number=1, started_at=tweet.created_at)
    group = BotGroup.objects.create(name="Their group", created_by=stranger)
    group.bots.add(their_bot)
    mention = Mention.objects.create(
        bot=their_bot,
        post_id="1",
        author_id="7",
        author_username="stranger_elsewhere",
        text="@theirbot hello",
        decision=Mention.Decision.SKIPPED,
        received_at=timezone.now(),
    )
    entry = record_activity("bot.paused", message="Paused.", by=stranger, bot=their_bot)
    return {
        "user": stranger,
        Bot: their_bot,
        BotImage: make_image(bot=their_bot),
        BotGroup: group,
        Corpus: corpus,
        CorpusSource: corpus.sources.get(),
        Tweet: tweet,
        PostAttempt: tweet.attempts.get(),
        Mention: mention,
        Activity: entry,
    }


def site_admins():
    return [
        (model, f"admin:{model._meta.app_label}_{model._meta.model_name}")
        for model in admin.site._registry
        if model._meta.app_label in {"activity", "autonomy", "bots", "corpora", "tweets"}
    ]


def test_no_admin_page_shows_a_staff_member_another_owners_things(staff, theirs):
    for _model, prefix in site_admins():
        pages = [reverse(f"{prefix}_changelist")]
        if staff.get(reverse(f"{prefix}_add")).status_code == 200:
            pages.append(reverse(f"{prefix}_add"))
        for url in pages:
            response = staff.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            shown = [name for name in THEIR_NAMES if name in html]
            assert not shown, (url, shown)


def test_no_admin_change_page_opens_another_owners_row(staff, theirs):
    for model, prefix in site_admins():
        row = theirs.get(model)
        if row is None:
            continue
        response = staff.get(reverse(f"{prefix}_change", args=[row.pk]))
        assert response.status_code == 302, model  # "does not exist", back to the index
        html = staff.get(response["Location"]).content.decode()
        assert not [name for name in THEIR_NAMES if name in html], model


def test_a_group_added_in_the_admin_is_the_staff_members_and_holds_only_their_bots(
    staff, owner, bot, theirs
):
    add = reverse("admin:bots_botgroup_add")
    response = staff.post(
        add, {"name": "Night shift", "bots": [theirs[Bot].pk], "created_by": theirs["user"].pk}
    )
    assert response.status_code == 200  # the form again: that bot is not a choice
    assert not BotGroup.objects.filter(name="Night shift").exists()
    response = staff.post(
        add, {"name": "Night shift", "bots": [bot.pk], "created_by": theirs["user"].pk}
    )
    assert response.status_code == 302
    group = BotGroup.objects.get(name="Night shift")
    assert (group.created_by, list(group.bots.all())) == (owner, [bot])


def test_a_group_name_taken_by_the_staff_member_is_a_message_in_the_admin(staff, owner, bot):
    BotGroup.objects.create(name="Night shift", created_by=owner)
    response = staff.post(reverse("admin:bots_botgroup_add"), {"name": "night shift"})
    assert response.status_code == 200
    assert "already has a group called" in response.content.decode()


def test_tweets_are_not_added_or_attempts_made_up_in_the_admin(staff, bot):
    tweet = make_tweet(bot=bot)
    add = staff.post(reverse("admin:tweets_tweet_add"), {"bot": bot.pk, "text": "Hello there"})
    assert add.status_code == 403
    assert list(Tweet.objects.all()) == [tweet]
    attempt = staff.post(
        reverse("admin:tweets_postattempt_add"),
        {"tweet": tweet.pk, "number": 1, "started_at": "2026-01-01 10:00", "outcome": "posted"},
    )
    assert attempt.status_code == 403
    assert not PostAttempt.objects.exists()


def test_a_bot_added_in_the_admin_by_staff_stays_theirs_and_names_only_known_people(
    staff, owner, theirs
):
    add = reverse("admin:bots_bot_add")
    fields = {"name": "fresh", "handle": "fresh", "platform": "sandbox", "posting_mode": "review"}
    fields["daily_post_cap"] = "10"
    response = staff.post(add, {**fields, "owners": [theirs["user"].pk]})
    assert response.status_code == 200  # a stranger is not a choice
    response = staff.post(add, fields)
    assert response.status_code == 302
    assert list(Bot.objects.get(name="fresh").owners.all()) == [owner]


def test_an_image_added_in_the_admin_goes_through_the_gallery_service(staff, bot):
    upload = ContentFile(image_bytes(), name="picture.png")
    response = staff.post(
        reverse("admin:bots_botimage_add"),
        {"bot": bot.pk, "upload": upload, "alt_text": "A red square"},
    )
    assert response.status_code == 302
    image = bot.images.get()
    assert (image.alt_text, image.width) == ("A red square", 64)
    assert set(image.activity.values_list("action", flat=True)) == {"image.added", "image.alt_text"}
