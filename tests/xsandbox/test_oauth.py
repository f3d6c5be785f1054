"""The sandbox signs accounts in to X apps as X does: its authorize page lets a person choose
one of their own sandbox accounts or create one (force_login and screen_name honoured, other
people's accounts never shown), its token endpoints answer with X's bodies, a request token
works once, the same access token comes back on re-authorization, and the accounts' own
credentials keep working beside the apps'."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from requests_oauthlib import OAuth1Session

from tests.factories import make_bot, make_user
from xsandbox import oauth
from xsandbox.accounts import app_credentials, credentials_of, ensure_account, ensure_app
from xsandbox.models import Account, Grant, RequestToken

CALLBACK = "http://aviary.example/bots/new/callback/?step=done"


@pytest.fixture
def base(sandbox):
    return f"{sandbox.url}/xsandbox"


@pytest.fixture
def app(sandbox, transactional_db, credential_keys):
    return ensure_app("Flock connector")[0]


def app_session(app, **tokens) -> OAuth1Session:
    credentials = app_credentials(app)
    return OAuth1Session(
        credentials["consumer_key"], client_secret=credentials["consumer_secret"], **tokens
    )


def request_token(base, app, callback=CALLBACK) -> dict:
    answer = app_session(app, callback_uri=callback).post(f"{base}/oauth/request_token")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = {name: values[0] for name, values in parse_qs(answer.text).items()}
    assert fields["oauth_callback_confirmed"] == "true"
    return fields


def authorize_page(client, token, **query):
    return client.get(reverse("xsandbox:authorize"), {"oauth_token": token, **query})


def approve(client, token, **form):
    fields = {"oauth_token": token, "decision": "authorize", "account": "", **form}
    return client.post(reverse("xsandbox:authorize") + "?force_login=true", fields)


def exchange(base, app, fields, verifier):
    session = app_session(
        app,
        resource_owner_key=fields["oauth_token"],
        resource_owner_secret=fields["oauth_token_secret"],
        verifier=verifier,
    )
    return session.post(f"{base}/oauth/access_token")


def verifier_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return parse_qs(urlsplit(response["Location"]).query)["oauth_verifier"][0]


def connect(base, app, client, handle) -> dict:
    fields = request_token(base, app)
    answer = exchange(
        base, app, fields, verifier_of(approve(client, fields["oauth_token"], account=handle))
    )
    assert answer.status_code == 200
    return {name: values[0] for name, values in parse_qs(answer.text).items()}


def radio_checked(html: str, handle: str) -> bool:
    tag = re.search(rf'<input[^>]*value="{handle}"[^>]*>', html)
    return bool(tag) and "checked" in tag.group(0)


@pytest.fixture
def person(client, account):
    """Signed in, owning a sandbox bot that speaks as `account` (so may use it, only it)."""
    someone = make_user()
    make_bot(owners=[someone], platform="sandbox", handle=account.handle, x_user_id=account.user_id)
    client.force_login(someone)
    return client


def test_the_page_lists_the_persons_accounts_only_and_preselects_screen_name(
    base, app, person, account, other_account
):
    token = request_token(base, app)["oauth_token"]

    html = authorize_page(person, token, screen_name=account.handle).content.decode()

    assert "Flock connector" in html and "Authorize app" in html and "Cancel" in html
    assert radio_checked(html, account.handle)
    assert other_account.handle not in html
    assert '<label for="id_new_handle">New account handle</label>' in html


def test_a_screen_name_that_is_not_the_persons_prefills_a_new_account(base, app, person):
    token = request_token(base, app)["oauth_token"]

    html = authorize_page(person, token, screen_name="@fresh_bird").content.decode()

    assert 'value="fresh_bird"' in html
    assert radio_checked(html, "")


def test_creating_an_account_on_the_page_connects_it(base, app, person):
    fields = request_token(base, app)
    response = approve(person, fields["oauth_token"], new_handle="fresh_bird")

    answer = exchange(base, app, fields, verifier_of(response))

    created = Account.objects.get(handle="fresh_bird")
    access = parse_qs(answer.text)
    assert access["screen_name"] == ["fresh_bird"] and access["user_id"] == [created.user_id]


def test_a_handle_taken_by_someone_elses_account_is_refused_without_telling_whose(
    base, app, person, other_account
):
    token = request_token(base, app)["oauth_token"]

    response = approve(person, token, new_handle=other_account.handle.upper())

    html = response.content.decode()
    assert response.status_code == 200
    assert "That handle is taken in the sandbox." in html
    assert other_account.name not in html and other_account.user_id not in html
    assert RequestToken.objects.get(token=token).account is None


def test_a_new_handle_x_would_refuse_is_explained(base, app, person):
    token = request_token(base, app)["oauth_token"]
    html = approve(person, token, new_handle="not a handle").content.decode()
    assert "letters, digits or underscores" in html
    assert not Account.objects.filter(handle="not a handle").exists()


def test_force_login_always_shows_the_chooser_and_otherwise_the_last_account_is_offered(
    base, app, person, account
):
    connect(base, app, person, account.handle)
    token = request_token(base, app)["oauth_token"]

    offered = authorize_page(person, token).content.decode()
    chooser = authorize_page(person, token, force_login="true").content.decode()

    assert f"Authorize app as @{account.handle}" in offered
    assert "Use another account" in offered and 'type="radio"' not in offered
    assert "Choose or create a sandbox account" in chooser
    assert f"Authorize app as @{account.handle}" not in chooser


def test_a_request_token_is_approved_and_exchanged_once(base, app, person, account):
    fields = request_token(base, app)
    verifier = verifier_of(approve(person, fields["oauth_token"], account=account.handle))
    assert exchange(base, app, fields, verifier).status_code == 200

    again = approve(person, fields["oauth_token"], account=account.handle)
    assert again.status_code == 400 and "no longer works" in again.content.decode()
    assert authorize_page(person, fields["oauth_token"]).status_code == 400
    reused = exchange(base, app, fields, verifier)
    assert (reused.status_code, reused.text) == (401, "Invalid or expired token")


def test_the_callback_keeps_its_own_query(base, app, person, account):
    fields = request_token(base, app)
    response = approve(person, fields["oauth_token"], account=account.handle)
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["step"] == ["done"] and query["oauth_token"] == [fields["oauth_token"]]


def test_authorizing_the_same_app_again_gives_the_same_access_token(base, app, person, account):
    first = connect(base, app, person, account.handle)
    second = connect(base, app, person, account.handle)

    assert (first["oauth_token"], first["oauth_token_secret"]) == (
        second["oauth_token"],
        second["oauth_token_secret"],
    )
    assert Grant.objects.count() == 1


def test_the_access_token_speaks_as_the_account_for_its_app_only(base, app, person, account):
    access = connect(base, app, person, account.handle)
    tokens = {
        "resource_owner_key": access["oauth_token"],
        "resource_owner_secret": access["oauth_token_secret"],
    }
    me = app_session(app, **tokens).get(f"{base}/2/users/me")
    assert me.json()["data"]["username"] == account.handle

    other_app = ensure_app("Someone else's app")[0]
    assert app_session(other_app, **tokens).get(f"{base}/2/users/me").status_code == 401
    assert app_session(app).get(f"{base}/2/users/me").status_code == 401


def test_the_accounts_own_credentials_still_work(base, app, account):
    secrets = credentials_of(account)
    session = OAuth1Session(
        secrets["consumer_key"],
        client_secret=secrets["consumer_secret"],
        resource_owner_key=secrets["access_token"],
        resource_owner_secret=secrets["access_token_secret"],
    )
    assert session.get(f"{base}/2/users/me").json()["data"]["username"] == account.handle
    assert session.post(f"{base}/2/tweets", json={"text": "Still mine"}).status_code == 201


def test_the_token_endpoints_answer_with_xs_errors(base, app, account):
    wrong = OAuth1Session(app.consumer_key, client_secret="wrong-secret", callback_uri=CALLBACK)
    refused = wrong.post(f"{base}/oauth/request_token")
    assert refused.status_code == 401
    assert refused.json() == {"errors": [{"code": 32, "message": "Could not authenticate you."}]}

    account_keys = OAuth1Session(
        account.consumer_key, client_secret=account.consumer_secret, callback_uri=CALLBACK
    )
    assert account_keys.post(f"{base}/oauth/request_token").status_code == 401

    app.callback_urls = ["http://aviary.example/registered/"]
    app.save()
    unregistered = app_session(app, callback_uri=CALLBACK).post(f"{base}/oauth/request_token")
    assert unregistered.status_code == 403
    assert unregistered.json()["errors"][0]["code"] == 415
    assert unregistered.json()["errors"][0]["message"].startswith("Callback URL not approved")

    assert app_session(app).get(f"{base}/oauth/request_token").status_code == 405


def test_an_unauthorized_token_or_wrong_verifier_is_refused_at_the_exchange(base, app, person):
    fields = request_token(base, app)
    pending = exchange(base, app, fields, "0000000")
    assert (pending.status_code, pending.text) == (401, "Invalid or expired token")

    approve(person, fields["oauth_token"], new_handle="verified_bird")
    wrong = exchange(base, app, fields, "0000000")
    assert (wrong.status_code, wrong.text) == (401, "Invalid oauth_verifier parameter")


def test_the_authorize_page_is_for_signed_in_people(base, app, client):
    token = request_token(base, app)["oauth_token"]
    response = authorize_page(client, token)
    assert response.status_code == 302 and "login" in response["Location"]


def test_request_tokens_long_past_their_lifetime_are_forgotten(base, app, settings, monkeypatch):
    settings.XSANDBOX_REQUEST_TOKEN_SECONDS = 60
    old = request_token(base, app)["oauth_token"]
    RequestToken.objects.filter(token=old).update(
        created_at=RequestToken.objects.get(token=old).created_at.replace(year=2020)
    )
    monkeypatch.setattr(oauth, "_next_purge", 0.0)

    fresh = request_token(base, app)["oauth_token"]

    assert list(RequestToken.objects.values_list("token", flat=True)) == [fresh]


def test_ensure_app_keeps_its_credentials_and_updates_its_callbacks(
    transactional_db, credential_keys
):
    app, created = ensure_app("Once", callback_urls=["http://a.example/cb/"])
    again, created_again = ensure_app("Once", callback_urls=["http://b.example/cb/"])
    assert (created, created_again) == (True, False)
    assert app_credentials(again) == app_credentials(app)
    assert again.callback_urls == ["http://b.example/cb/"]
    assert ensure_account("unrelated")[0].consumer_key != app.consumer_key


def test_a_decision_without_a_csrf_token_is_refused(base, app, account, superuser):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(superuser)
    token = request_token(base, app)["oauth_token"]
    assert approve(browser, token, account=account.handle).status_code == 403
    assert RequestToken.objects.get(token=token).account is None


def test_malformed_keys_and_odd_verifiers_are_refused_never_a_500(base, app, person):
    malformed = OAuth1Session("has spaces in it", client_secret="x", callback_uri=CALLBACK)
    refused = malformed.post(f"{base}/oauth/request_token")
    assert refused.status_code == 401 and refused.json()["errors"][0]["code"] == 32

    fields = request_token(base, app)
    approve(person, fields["oauth_token"], new_handle="odd_bird")
    for odd in ("é" * 7, "12 34 567", "x" * 200):
        wrong = exchange(base, app, fields, odd)
        assert (wrong.status_code, wrong.text) == (401, "Invalid oauth_verifier parameter")


def test_with_no_screen_name_a_free_handle_is_suggested_for_a_new_account(base, app, person):
    taken = Account.objects.count() + 1
    ensure_account(f"sandbox_bot_{taken}")
    token = request_token(base, app)["oauth_token"]
    html = authorize_page(person, token).content.decode()
    assert f'value="sandbox_bot_{taken + 1}"' in html
