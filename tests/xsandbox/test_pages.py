"""The sandbox's timeline pages show what the accounts posted, images with their alt text,
replies and authors, the way a profile page does; uploaded images are served as pixels."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from requests_oauthlib import OAuth1Session

from tests.factories import make_user


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


@pytest.fixture
def browser(client, transactional_db):
    client.force_login(make_user())
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
