"""The Mastodon sandbox's pages: a person sees the statuses of their own bots' accounts,
laid out like Mastodon's web, and nobody else's."""

from django.urls import reverse

from platforms import client_for
from tests.conftest import make_mastodon_bot
from tests.factories import make_user
from xsandbox.mastodon.accounts import ensure_account


def test_the_timeline_shows_my_bots_statuses_and_not_others(client, mastodon_account):
    owner = make_user()
    mine = make_mastodon_bot(mastodon_account, owners=[owner])
    theirs = make_mastodon_bot(ensure_account("stranger")[0])
    status_id = client_for(mine).post("Mine, on the sandbox")
    client_for(theirs).post("Not for your eyes")
    client.force_login(owner)

    html = client.get(reverse("xsandbox:mastodon:timeline")).content.decode()
    assert "Mine, on the sandbox" in html and "Not for your eyes" not in html
    page = client.get(reverse("xsandbox:mastodon:status", args=["aurora", status_id]))
    assert page.status_code == 200 and "Mine, on the sandbox" in page.content.decode()
    assert client.get(reverse("xsandbox:mastodon:account", args=["stranger"])).status_code == 404
    # The bot's post link on Aviary's pages opens that very page.
    assert mine.tweets.model(bot=mine, x_post_id=status_id).x_post_url.endswith(
        reverse("xsandbox:mastodon:status", args=["aurora", status_id])
    )


def test_the_authorize_page_refuses_an_app_it_does_not_know(client, mastodon_account):
    client.force_login(make_user())
    answer = client.get(
        reverse("xsandbox:mastodon:authorize")
        + "?client_id=nobody&redirect_uri=https://example.com/&response_type=code"
    )
    assert answer.status_code == 400 and "Authorization failed" in answer.content.decode()


def test_apps_need_a_name_and_a_redirect_uri(client, mastodon_account):
    answer = client.post(reverse("xsandbox:mastodon_apps"), {"client_name": ""})
    assert answer.status_code == 422 and "can't be blank" in answer.json()["error"]


def test_the_instance_announces_its_limits(client, mastodon_account, settings):
    settings.XSANDBOX_MASTODON_MAX_CHARACTERS = 640
    configuration = client.get(reverse("xsandbox:mastodon_instance")).json()["configuration"]
    assert configuration["statuses"]["max_characters"] == 640
    assert configuration["statuses"]["max_media_attachments"] == 4


def test_a_code_buys_one_token_only(client, mastodon_account):
    app = client.post(
        reverse("xsandbox:mastodon_apps"),
        {"client_name": "Test", "redirect_uris": "https://example.com/cb", "scopes": "read write"},
    ).json()
    client.force_login(make_user(superuser=True))
    approved = client.post(
        reverse("xsandbox:mastodon:authorize"),
        {
            "client_id": app["client_id"],
            "redirect_uri": "https://example.com/cb",
            "response_type": "code",
            "scope": "read write",
            "state": "s1",
            "account": "aurora",
            "decision": "authorize",
        },
    )
    assert approved.status_code == 302 and "state=s1" in approved["Location"]
    code = approved["Location"].split("code=")[1].split("&")[0]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": "https://example.com/cb",
    }
    first = client.post(reverse("xsandbox:mastodon_token"), exchange)
    assert first.status_code == 200 and first.json()["token_type"] == "Bearer"
    again = client.post(reverse("xsandbox:mastodon_token"), exchange)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
