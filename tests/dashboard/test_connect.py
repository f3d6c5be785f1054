"""The pages that add and share bots and keep the site's X apps: who may use them, keys that
are written and never shown, the default app, and co-owners added and removed."""

import pytest
from django.urls import reverse

from activity.models import Activity
from bots.models import XApp
from tests.factories import make_bot, make_operator, make_user

APP_KEY = "consumer-key-typed-once"
APP_SECRET = "consumer-secret-typed-once"


@pytest.fixture
def operator(db):
    return make_operator()


def add_app(client, **fields):
    form = {"name": "Main app", "platform": "x", "consumer_key": APP_KEY}
    form.update(consumer_secret=APP_SECRET, **fields)
    return client.post(reverse("bots:apps"), form, follow=True)


def test_a_superuser_adds_an_app_whose_keys_are_never_shown_again(client, superuser):
    client.force_login(superuser)
    html = add_app(client).content.decode()
    app = XApp.objects.get()
    assert "Saved the app “Main app”" in html
    assert app.consumer_credentials() == (APP_KEY, APP_SECRET)
    assert app.is_default, "the only app of its network is the default"
    page = client.get(reverse("bots:app", args=[app.pk])).content.decode()
    for shown in (html, page):
        assert APP_KEY not in shown and APP_SECRET not in shown
    assert "/bots/connect/callback/" in page, "the callback URL to register is shown"
    assert APP_SECRET not in str(Activity.objects.values_list("message", flat=True))


def test_blank_keys_keep_the_saved_ones_and_a_new_default_replaces_the_old(client, superuser):
    client.force_login(superuser)
    add_app(client)
    first = XApp.objects.get()
    add_app(client, name="Second app", default="on")
    second = XApp.objects.get(name="Second app")
    first.refresh_from_db()
    assert second.is_default and not first.is_default

    form = {"name": "Main app, renamed", "platform": "x", "consumer_key": "", "consumer_secret": ""}
    client.post(reverse("bots:app", args=[first.pk]), form)
    first.refresh_from_db()
    assert first.name == "Main app, renamed"
    assert first.consumer_credentials() == (APP_KEY, APP_SECRET)


def test_a_new_app_needs_both_keys(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("bots:apps"), {"name": "Keyless", "platform": "x"})
    assert response.status_code == 400
    assert "The app was not saved" in response.content.decode()
    assert not XApp.objects.exists()


def test_only_superusers_keep_the_apps(client, operator):
    client.force_login(operator)
    assert client.get(reverse("bots:apps")).status_code == 403
    assert add_app(client).status_code == 403
    assert not XApp.objects.exists()


def test_adding_a_bot_is_for_operators(client, owner, operator):
    client.force_login(owner)
    assert client.get(reverse("bots:new")).status_code == 403
    assert "Add bot" not in client.get(reverse("dashboard")).content.decode()
    client.force_login(operator)
    html = client.get(reverse("bots:new")).content.decode()
    assert "Connecting needs the site's X developer app" in html, "no app yet: says so"
    assert "Add bot" in client.get(reverse("dashboard")).content.decode()


def test_the_new_bot_page_offers_the_one_app_without_a_choice(client, operator):
    app = XApp(name="Only app", platform="sandbox", is_default=True)
    app.set_consumer_credentials(key=APP_KEY, secret=APP_SECRET)
    app.save()
    client.force_login(operator)
    html = client.get(reverse("bots:new")).content.decode()
    assert "Connect with X" in html and "Through the app “Only app” (X sandbox)" in html
    assert APP_KEY not in html and APP_SECRET not in html


def test_an_owner_shares_a_bot_and_takes_a_co_owner_off(client, owner, bot):
    partner = make_user(username="partner")
    client.force_login(owner)
    page = client.post(reverse("bots:share", args=[bot.pk]), {"username": "partner"}, follow=True)
    assert "partner now runs" in page.content.decode()
    assert set(bot.owners.all()) == {owner, partner}
    client.force_login(partner)
    assert client.get(reverse("bots:detail", args=[bot.pk])).status_code == 200

    client.post(reverse("bots:unshare", args=[bot.pk, owner.pk]))
    assert list(bot.owners.all()) == [partner]
    assert Activity.objects.filter(bot=bot, action="bot.unshared").exists()
    client.force_login(owner)
    assert client.get(reverse("bots:detail", args=[bot.pk])).status_code == 404


def test_the_last_owner_stays_and_unknown_users_are_named(client, owner, bot):
    client.force_login(owner)
    page = client.post(reverse("bots:unshare", args=[bot.pk, owner.pk]), follow=True)
    assert "is the last owner" in page.content.decode()
    assert list(bot.owners.all()) == [owner]
    page = client.post(reverse("bots:share", args=[bot.pk]), {"username": "nobody"}, follow=True)
    assert "No one here has the username “nobody”" in page.content.decode()


def test_the_bot_page_lists_who_runs_it_with_a_confirmed_remove(client, owner, bot):
    partner = make_user(username="partner")
    bot.owners.add(partner)
    client.force_login(owner)
    html = client.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert "Who runs this bot" in html and "partner" in html
    assert 'data-confirm="Stop sharing' in html
    assert reverse("bots:unshare", args=[bot.pk, partner.pk]) in html


def test_reconnect_without_any_app_points_to_the_keys(client, owner, bot):
    make_bot(name="unrelated")
    client.force_login(owner)
    response = client.post(reverse("bots:reconnect", args=[bot.pk]), follow=True)
    assert "There is no X app to sign in through" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#credentials")
