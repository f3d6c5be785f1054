"""The sandbox's timeline pages show what the accounts posted, images with their alt text,
replies and authors, the way a profile page does; uploaded images are served as pixels. Each
person sees only the sandbox accounts of their own bots (a superuser, all): the rest is a 404."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from requests_oauthlib import OAuth1Session

from tests.factories import make_bot, make_sandbox_post, make_user
from xsandbox.accounts import ensure_account


@pytest.fixture
def session(sandbox, account):
    return OAuth1Session(
        account.consumer_key,
        client_secret=account.consumer_secret,
        resource_owner_key=account.access_token,
        resource_owner_secret=account.access_token_secret,
    )


@pytest.fixture
def posted(sandbox, session):
    """A post with an image (a JPEG carrying GPS in its EXIF) and alt text, and a reply."""
    base = f"{sandbox.url}/xsandbox"
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    Image.new("RGB", (60, 40), "green").save(photo, "JPEG", exif=exif)
    media = session.post(
        f"{base}/2/media/upload",
        files={"media": ("here.jpg", photo.getvalue(), "image/jpeg")},
        data={"media_category": "tweet_image"},
    ).json()["data"]
    session.post(
        f"{base}/2/media/metadata",
        json={"id": media["id"], "metadata": {"alt_text": {"text": "A green field at dusk"}}},
    )
    first = session.post(
        f"{base}/2/tweets",
        json={"text": "Fields <b>forever</b>", "media": {"media_ids": [media["id"]]}},
    ).json()["data"]
    reply = {"text": "Replying to myself", "reply": {"in_reply_to_tweet_id": first["id"]}}
    session.post(f"{base}/2/tweets", json=reply)
    return first["id"]


def make_sandbox_bot(account, *, owner):
    return make_bot(
        owners=[owner], platform="sandbox", handle=account.handle, x_user_id=account.user_id
    )


@pytest.fixture
def browser(client, account, other_account):
    """Signed in as the owner of the bots speaking as both sandbox accounts."""
    person = make_user()
    make_sandbox_bot(account, owner=person)
    make_sandbox_bot(other_account, owner=person)
    client.force_login(person)
    return client


def test_the_timeline_shows_posts_newest_first_with_images_and_alt_text(browser, posted, account):
    html = browser.get(reverse("xsandbox:timeline")).content.decode()
    assert html.index("Replying to myself") < html.index("Fields &lt;b&gt;forever&lt;/b&gt;")
    assert 'alt="A green field at dusk"' in html
    assert f"@{account.handle}" in html


def test_the_account_page_reads_like_a_profile(browser, posted, account, other_account):
    html = browser.get(reverse("xsandbox:account", args=[account.handle])).content.decode()
    assert account.name in html and "2 posts" in html
    assert "Replying to" in html
    other = browser.get(reverse("xsandbox:account", args=[other_account.handle]))
    assert "Nothing posted yet" in other.content.decode()


def test_a_post_has_its_own_page(browser, posted):
    response = browser.get(reverse("xsandbox:post", args=[posted]))
    assert response.status_code == 200
    assert "A green field at dusk" in response.content.decode()


def test_images_are_served_re_encoded_without_exif_and_never_sniffed(browser, posted):
    html = browser.get(reverse("xsandbox:post", args=[posted])).content.decode()
    src = html.split('<img src="', 1)[1].split('"', 1)[0]
    response = browser.get(src)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (60, 40) and not image.getexif()


def test_the_pages_are_for_signed_in_people(client, transactional_db):
    response = client.get(reverse("xsandbox:timeline"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def two_owners(db):
    """Two people, each with a sandbox bot that has posted, with an image."""
    owners = {}
    for name in ("ada", "bea"):
        account = ensure_account(f"{name}_bird", name=f"{name.title()} Bird")[0]
        post = make_sandbox_post(
            account=account, text=f"{name.title()} speaks", image_alt_text=f"{name} picture"
        )
        person = make_user()
        make_sandbox_bot(account, owner=person)
        owners[name] = {"person": person, "account": account, "post": post}
    return owners


def pages_of(owner) -> list[str]:
    return [
        reverse("xsandbox:account", args=[owner["account"].handle]),
        reverse("xsandbox:post", args=[owner["post"].post_id]),
        reverse("xsandbox:media", args=[owner["post"].media.get().pk]),
    ]


def test_a_person_sees_their_own_bots_accounts_and_nobody_elses(client, two_owners):
    ada, bea = two_owners["ada"], two_owners["bea"]
    client.force_login(ada["person"])

    timeline = client.get(reverse("xsandbox:timeline")).content.decode()
    assert "Ada speaks" in timeline and "@ada_bird" in timeline
    assert "Bea speaks" not in timeline and "bea_bird" not in timeline
    assert [client.get(url).status_code for url in pages_of(ada)] == [200, 200, 200]
    assert [client.get(url).status_code for url in pages_of(bea)] == [404, 404, 404]


def test_a_person_without_sandbox_bots_sees_an_empty_timeline(client, two_owners):
    client.force_login(make_user())
    timeline = client.get(reverse("xsandbox:timeline")).content.decode()
    assert "Ada speaks" not in timeline and "Bea speaks" not in timeline
    assert [client.get(url).status_code for url in pages_of(two_owners["ada"])] == [404] * 3


def test_a_bot_on_x_with_the_same_user_id_opens_no_sandbox_account(client, two_owners):
    person = make_user()
    make_bot(owners=[person], platform="x", x_user_id=two_owners["ada"]["account"].user_id)
    client.force_login(person)
    assert [client.get(url).status_code for url in pages_of(two_owners["ada"])] == [404] * 3


def test_a_superuser_sees_every_account(client, two_owners):
    client.force_login(make_user(superuser=True))
    timeline = client.get(reverse("xsandbox:timeline")).content.decode()
    assert "Ada speaks" in timeline and "Bea speaks" in timeline
    for owner in two_owners.values():
        assert [client.get(url).status_code for url in pages_of(owner)] == [200, 200, 200]


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, two_owners):
    for url in [reverse("xsandbox:timeline"), *pages_of(two_owners["ada"])]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_path_no_account_or_post_could_have_is_a_404(browser):
    for path in [
        "/xsandbox/a%00b/",
        "/xsandbox/%FF%FE/",
        f"/xsandbox/{'a' * 5000}/",
        "/xsandbox/status/%00/",
        f"/xsandbox/status/{'9' * 40}/",
        f"/xsandbox/media/{'9' * 40}/",
    ]:
        assert (path[:40], browser.get(path).status_code) == (path[:40], 404)
    assert browser.get("/xsandbox/?page=%00").status_code == 200
