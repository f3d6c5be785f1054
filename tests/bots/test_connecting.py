"""Connecting bots through the sandbox over HTTP, as through X: a sign-in started, approved on
the sandbox's own page, and finished into a verified bot; reconnecting keeps the bot and its
history; and every way it can go wrong gives its own message and changes nothing."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from activity.models import Activity
from bots import connecting
from bots.connecting import ConnectError
from bots.models import Bot, SignIn, XApp
from tests.factories import make_tweet, make_user
from xsandbox.accounts import app_credentials, credentials_of, ensure_account, ensure_app

CALLBACK = "http://testserver/bots/connect/callback/"


@pytest.fixture
def app(sandbox, transactional_db, credential_keys):
    keys = app_credentials(ensure_app("Flock app")[0])
    app = XApp(name="Flock app", platform="sandbox", is_default=True)
    app.set_consumer_credentials(key=keys["consumer_key"], secret=keys["consumer_secret"])
    app.save()
    return app


@pytest.fixture
def person(transactional_db):
    return make_user()


def approve(sign_in, *, user, handle="", account=None, decision="authorize") -> dict:
    """What the person does on the sandbox's authorize page; returns the query X sends back
    (or, for a PIN, {"pin": ...})."""
    browser = Client()
    browser.force_login(user)
    url = urlsplit(sign_in.authorize_url)
    page = browser.get(f"{url.path}?{url.query}")
    assert page.status_code == 200
    form = {"oauth_token": sign_in.request_token, "decision": decision}
    form.update({"account": account.handle} if account else {"new_handle": handle})
    answer = browser.post(url.path + f"?{url.query}", form)
    if sign_in.uses_pin:
        html = answer.content.decode()
        return {"pin": html.split('id="pin">')[1].split("<")[0]} if decision == "authorize" else {}
    assert answer.status_code == 302, answer.content.decode()[:500]
    return {key: values[0] for key, values in parse_qs(urlsplit(answer["Location"]).query).items()}


def connect(app, user, handle, **options):
    sign_in = connecting.start_sign_in(user=user, app=app, callback_url=CALLBACK, **options)
    back = approve(sign_in, user=user, handle=handle)
    return connecting.finish_sign_in(sign_in, verifier=back.get("oauth_verifier") or back["pin"])


def test_a_person_connects_a_new_bot_without_typing_a_secret_or_a_handle(app, person):
    connected = connect(app, person, "night_owl_bot")
    bot = connected.bot
    assert connected.created
    assert (bot.name, bot.handle, bot.platform) == ("night_owl_bot", "night_owl_bot", "sandbox")
    assert bot.verified_at is not None and bot.can_post() and bot.app == app
    assert bot.x_user_id == ensure_account("night_owl_bot")[0].user_id
    assert list(bot.owners.all()) == [person]
    assert bot.credentials().consumer_key == app.consumer_credentials()[0]
    assert Activity.objects.filter(bot=bot, action="bot.connected").exists()
    assert SignIn.objects.get().finished_at is not None


def test_the_sign_in_page_is_forced_and_prefilled_with_the_bots_handle(app, person):
    bot = connect(app, person, "night_owl_bot").bot
    sign_in = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK, bot=bot)
    query = parse_qs(urlsplit(sign_in.authorize_url).query)
    assert query["force_login"] == ["true"] and query["screen_name"] == ["night_owl_bot"]
    assert sign_in.request_secret() not in sign_in.authorize_url


def test_the_pin_flow_connects_with_the_pin_the_sandbox_shows(app, person):
    connected = connect(app, person, "pin_bot", pin=True)
    assert connected.bot.handle == "pin_bot" and connected.bot.verified_at


def test_reconnecting_keeps_the_bot_its_history_and_clears_the_reconnect_flag(app, person):
    bot = connect(app, person, "night_owl_bot").bot
    tweet = make_tweet(bot=bot, text="Said before the keys were revoked.")
    Bot.objects.filter(pk=bot.pk).update(attention_reason="X refused the credentials (401).")
    bot.refresh_from_db()

    again = connect(app, person, "night_owl_bot", bot=bot)
    assert not again.created and again.bot.pk == bot.pk
    bot.refresh_from_db()
    assert bot.attention_reason == "" and bot.can_post()
    assert bot.tweets.get() == tweet
    assert Activity.objects.filter(bot=bot, action="bot.reconnected").exists()


def test_reconnecting_as_another_account_changes_nothing(app, person):
    bot = connect(app, person, "night_owl_bot").bot
    before = bot.encrypted_access_token
    with pytest.raises(ConnectError, match="but night_owl_bot is @night_owl_bot"):
        connect(app, person, "someone_else", bot=bot)
    bot.refresh_from_db()
    assert bot.encrypted_access_token == before and bot.handle == "night_owl_bot"


def test_an_account_already_another_bots_is_refused(app, person):
    connect(app, person, "night_owl_bot")
    with pytest.raises(ConnectError, match="already connected as another bot"):
        connect(app, person, "night_owl_bot")
    assert Bot.objects.count() == 1


def test_cancelling_at_the_sandbox_connects_nothing(app, person):
    sign_in = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    back = approve(sign_in, user=person, handle="shy_bot", decision="cancel")
    assert back == {"denied": sign_in.request_token}
    with pytest.raises(ConnectError, match="You cancelled at the sandbox"):
        pending = connecting.pending_sign_in(user=person, token=back["denied"])
        connecting.finish_sign_in(pending, denied=True)
    assert not Bot.objects.exists()


def test_a_sign_in_is_used_once(app, person):
    sign_in = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    verifier = approve(sign_in, user=person, handle="once_bot")["oauth_verifier"]
    connecting.finish_sign_in(sign_in, verifier=verifier)
    with pytest.raises(ConnectError, match="expired or was already used"):
        connecting.pending_sign_in(user=person, token=sign_in.request_token)
    with pytest.raises(ConnectError, match="expired or was already used"):
        connecting.finish_sign_in(sign_in, verifier=verifier)


def test_a_stale_sign_in_is_refused_here_and_at_the_sandbox(app, person, settings):
    sign_in = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    verifier = approve(sign_in, user=person, handle="late_bot")["oauth_verifier"]
    SignIn.objects.filter(pk=sign_in.pk).update(created_at=sign_in.created_at - timedelta(hours=1))
    with pytest.raises(ConnectError, match="expired or was already used"):
        connecting.pending_sign_in(user=person, token=sign_in.request_token)

    # The sandbox's own clock: a request token past its lifetime is refused there too.
    settings.XSANDBOX_REQUEST_TOKEN_SECONDS = 0
    with pytest.raises(ConnectError, match="expired or was already used"):
        connecting.finish_sign_in(sign_in, verifier=verifier)
    assert not Bot.objects.exists()


def test_another_persons_sign_in_is_not_theirs_to_finish(app, person):
    sign_in = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    with pytest.raises(ConnectError, match="expired or was already used"):
        connecting.pending_sign_in(user=make_user(), token=sign_in.request_token)


def test_a_verifier_that_does_not_match_is_refused(app, person):
    sign_in = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    approve(sign_in, user=person, handle="typo_bot")
    with pytest.raises(ConnectError, match="did not accept that verification code"):
        connecting.finish_sign_in(sign_in, verifier="1234567")
    assert not Bot.objects.exists()


def test_an_app_whose_keys_the_sandbox_refuses_says_so(app, person):
    app.set_consumer_credentials(secret="not-the-apps-secret")
    app.save()
    with pytest.raises(ConnectError, match="refused the keys of the app “Flock app”"):
        connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    assert not SignIn.objects.exists()


def test_keys_typed_by_hand_make_a_verified_bot_with_the_handle_from_the_network(account, person):
    connected = connecting.connect_account(
        user=person, platform="sandbox", credentials=credentials_of(account)
    )
    assert connected.bot.handle == account.handle and connected.bot.verified_at
    with pytest.raises(ConnectError, match="did not accept these credentials"):
        connecting.connect_account(
            user=person,
            platform="sandbox",
            credentials={**credentials_of(account), "access_token_secret": "wrong"},
        )


def test_starting_a_sign_in_forgets_those_over_a_day_old(app, person):
    old = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    SignIn.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=2))
    new = connecting.start_sign_in(user=person, app=app, callback_url=CALLBACK)
    assert list(SignIn.objects.all()) == [new]
