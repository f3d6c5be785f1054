"""Connecting an account to an X app by 3-legged OAuth, through platforms.x.signin against the
sandbox over real HTTP: the whole flow ends in an access token XClient speaks with, and each
way X refuses a step is a SignInRefused whose kind says what to fix. No secret, token or
verifier shows in a repr, a str or an error."""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from platforms import base, base_url_for, sign_in_for
from platforms.x import signin
from platforms.x.client import XClient
from xsandbox.accounts import app_credentials, ensure_app
from xsandbox.models import Grant, Post, RequestToken

CALLBACK = "http://aviary.example/bots/new/callback/"


@pytest.fixture
def app(sandbox, transactional_db, credential_keys):
    return ensure_app("Aviary connector", callback_urls=[CALLBACK])[0]


@pytest.fixture
def person(client, superuser):
    """A browser signed in to the sandbox (as a superuser, who may use every account)."""
    client.force_login(superuser)
    return client


def start(app, *, callback=CALLBACK, **credentials) -> signin.RequestToken:
    return signin.request_token(
        base_url=settings.SANDBOX_BASE_URL,
        callback=callback,
        **{**app_credentials(app), **credentials},
    )


def authorize(person, token, *, handle, decision="authorize"):
    """The person on the authorize page, approving (or cancelling) for `handle`."""
    url = signin.authorize_url(base_url=settings.SANDBOX_BASE_URL, token=token.token)
    path = urlsplit(url).path + "?" + urlsplit(url).query
    assert person.get(path).status_code == 200
    form = {"oauth_token": token.token, "account": handle, "decision": decision}
    return person.post(path, form)


def verifier_from(response, token) -> str:
    assert response.status_code == 302
    callback = urlsplit(response["Location"])
    assert callback._replace(query="").geturl() == CALLBACK
    query = parse_qs(callback.query)
    assert query["oauth_token"] == [token.token]
    return query["oauth_verifier"][0]


def finish(app, token, verifier, **credentials) -> signin.AccessToken:
    return signin.access_token(
        base_url=settings.SANDBOX_BASE_URL,
        token=token.token,
        token_secret=token.secret,
        verifier=verifier,
        **{**app_credentials(app), **credentials},
    )


def connected_bot(app, access):
    """What XClient needs of a bot: its name and credentials (the app's keys, the account's
    access token)."""
    credentials = SimpleNamespace(
        **app_credentials(app), access_token=access.token, access_token_secret=access.secret
    )
    return SimpleNamespace(name="Connected", x_user_id="", credentials=lambda: credentials)


def test_it_connects_an_account_and_the_access_token_speaks_as_it(app, person, account):
    token = start(app)
    verifier = verifier_from(authorize(person, token, handle=account.handle), token)

    access = finish(app, token, verifier)

    assert (access.screen_name, access.user_id) == (account.handle, account.user_id)
    client = XClient(connected_bot(app, access), base_url=settings.SANDBOX_BASE_URL)
    me = client.me()
    assert (me.id, me.username) == (account.user_id, account.handle)
    client.post("Connected through the app")
    assert Post.objects.get().account == account
    assert Grant.objects.get().account == account


def test_the_platforms_name_their_sign_in_and_base_url(settings):
    assert sign_in_for("x") is signin and sign_in_for("sandbox") is signin
    assert base_url_for("sandbox") == settings.SANDBOX_BASE_URL
    assert base_url_for("x") == settings.X_API_BASE_URL
    with pytest.raises(LookupError, match="myspace"):
        sign_in_for("myspace")


def test_wrong_or_unknown_app_keys_are_refused_as_keys(app):
    for wrong in ({"consumer_secret": "not-the-secret-0000"}, {"consumer_key": "nosuchapp0000"}):
        with pytest.raises(signin.SignInRefused) as refused:
            start(app, **wrong)
        assert (refused.value.kind, refused.value.status) == (signin.KEYS_REFUSED, 401)
        assert "consumer key and secret" in refused.value.reason


def test_a_callback_the_app_has_not_registered_is_refused_as_callback(app):
    with pytest.raises(signin.SignInRefused) as refused:
        start(app, callback="http://elsewhere.example/steal/")
    assert (refused.value.kind, refused.value.status) == (signin.CALLBACK_REFUSED, 403)
    assert "callback" in refused.value.reason

    with_own_query = start(app, callback=CALLBACK + "?app=7")
    assert RequestToken.objects.get(token=with_own_query.token).callback.endswith("?app=7")


def test_a_request_token_is_exchanged_once(app, person, account):
    token = start(app)
    verifier = verifier_from(authorize(person, token, handle=account.handle), token)
    finish(app, token, verifier)

    with pytest.raises(signin.SignInRefused) as refused:
        finish(app, token, verifier)
    assert (refused.value.kind, refused.value.status) == (signin.TOKEN_STALE, 401)
    assert "start connecting the account again" in refused.value.reason.lower()


def test_an_expired_request_token_is_refused_on_the_page_and_at_the_exchange(
    app, person, account, settings
):
    token = start(app)
    verifier = verifier_from(authorize(person, token, handle=account.handle), token)
    late = start(app)
    settings.XSANDBOX_REQUEST_TOKEN_SECONDS = 60
    RequestToken.objects.update(created_at=timezone.now() - timedelta(seconds=61))

    with pytest.raises(signin.SignInRefused) as refused:
        finish(app, token, verifier)
    assert refused.value.kind == signin.TOKEN_STALE
    page = person.get(f"/xsandbox/oauth/authorize?oauth_token={late.token}")
    assert page.status_code == 400
    assert "no longer works" in page.content.decode()


def test_a_wrong_verifier_is_refused_as_verifier_and_the_right_one_still_works(
    app, person, account
):
    token = start(app)
    verifier = verifier_from(authorize(person, token, handle=account.handle), token)

    with pytest.raises(signin.SignInRefused) as refused:
        finish(app, token, "not-the-verifier")
    assert (refused.value.kind, refused.value.status) == (signin.VERIFIER_WRONG, 401)
    assert finish(app, token, verifier).screen_name == account.handle


def test_a_cancelled_sign_in_goes_back_denied_and_is_never_exchanged(app, person, account):
    token = start(app)
    response = authorize(person, token, handle=account.handle, decision="cancel")

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"denied": [token.token]}
    with pytest.raises(signin.SignInRefused) as refused:
        finish(app, token, "anything-at-all")
    assert refused.value.kind == signin.TOKEN_STALE
    assert not Grant.objects.exists()


def test_the_pin_flow_shows_a_seven_digit_pin_that_is_the_verifier(app, person, account):
    token = start(app, callback=signin.OUT_OF_BAND)
    page = authorize(person, token, handle=account.handle)

    assert page.status_code == 200
    pin = page.content.decode().split('id="pin">', 1)[1].split("<", 1)[0]
    assert len(pin) == 7 and pin.isdigit()
    assert finish(app, token, f" {pin} ").screen_name == account.handle


def test_a_sandbox_that_cannot_be_reached_is_transient(app):
    with pytest.raises(base.Transient) as failed:
        signin.request_token(
            base_url="http://127.0.0.1:9/xsandbox", callback=CALLBACK, **app_credentials(app)
        )
    assert "connect" in failed.value.reason.lower()


def test_no_secret_token_or_verifier_shows_in_a_repr_str_or_error(app, person, account):
    credentials = app_credentials(app)
    token = start(app)
    verifier = verifier_from(authorize(person, token, handle=account.handle), token)
    refusals = []
    for wrong in ("keys", "verifier"):
        with pytest.raises(signin.SignInRefused) as refused:
            if wrong == "keys":
                start(app, consumer_secret=credentials["consumer_secret"][::-1])
            else:
                finish(app, token, verifier[::-1])
        refusals.append(refused.value)
    access = finish(app, token, verifier)
    with pytest.raises(signin.SignInRefused) as reused:
        finish(app, token, verifier)
    refusals.append(reused.value)

    shown = " ".join(
        [repr(token), str(token), repr(access), str(access)]
        + [text for error in refusals for text in (str(error), repr(error), error.reason)]
    )
    secrets = [
        credentials["consumer_secret"],
        credentials["consumer_secret"][::-1],
        token.token,
        token.secret,
        verifier,
        verifier[::-1],
        access.token,
        access.secret,
    ]
    assert [secret for secret in secrets if secret in shown] == []
    assert f"@{account.handle}" in repr(access)
