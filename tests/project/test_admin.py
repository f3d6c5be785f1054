"""Every admin page works for a superuser, and no page ever shows a credential."""

import io

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from bots.models import Bot, BotImage
from corpora.models import BotCorpus, Corpus, CorpusSource
from tests.conftest import SECRETS
from tests.factories import make_corpus, make_tweet
from tweets.models import PostAttempt, Tweet


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
