"""The sandbox speaks X's API: clients no one here wrote (tweepy's own Client, requests-
oauthlib's OAuth1Session) post, read and upload; bad signatures, replays, duplicates, long
texts and bogus media are refused with X's status codes and bodies."""

import io
import time

import pytest
import requests
import tweepy
from PIL import Image
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1, OAuth1Session

from xsandbox.accounts import credentials_of, set_bio
from xsandbox.models import Post


def png_bytes(color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "PNG")
    return buffer.getvalue()


class ToLiveServer(HTTPAdapter):
    """Sends tweepy's requests for https://api.twitter.com to the live server instead, telling
    the sandbox which host and scheme the client signed for (as a reverse proxy would)."""

    def __init__(self, live_url):
        super().__init__()
        self.live_url = live_url

    def send(self, request, **kwargs):
        request.headers["X-Forwarded-Host"] = "api.twitter.com"
        request.headers["X-Forwarded-Proto"] = "https"
        request.url = request.url.replace("https://api.twitter.com", f"{self.live_url}/xsandbox")
        return super().send(request, **kwargs)


@pytest.fixture
def stock_tweepy(sandbox, account, settings):
    settings.XSANDBOX_TRUST_FORWARDED = True
    client = tweepy.Client(**credentials_of(account))
    client.session.mount("https://api.twitter.com", ToLiveServer(sandbox.url))
    return client


@pytest.fixture
def session(sandbox, account):
    secrets = credentials_of(account)
    return OAuth1Session(
        secrets["consumer_key"],
        client_secret=secrets["consumer_secret"],
        resource_owner_key=secrets["access_token"],
        resource_owner_secret=secrets["access_token_secret"],
    )


def test_it_serves_stock_tweepy_post_read_delete(stock_tweepy, account, other_account):
    me = stock_tweepy.get_me(user_auth=True).data
    assert me.username == account.handle
    created = stock_tweepy.create_tweet(
        text=f"Hello @{other_account.handle} from tweepy", user_auth=True
    )
    post_id = created.data["id"]
    timeline = stock_tweepy.get_users_tweets(me.id, tweet_fields=["created_at"], user_auth=True)
    assert [tweet.id for tweet in timeline.data] == [int(post_id)]
    assert timeline.data[0].created_at is not None
    mentions = stock_tweepy.get_users_mentions(other_account.user_id, user_auth=True)
    assert [tweet.text for tweet in mentions.data] == [f"Hello @{other_account.handle} from tweepy"]
    stock_tweepy.delete_tweet(post_id, user_auth=True)
    assert Post.objects.get().deleted


def test_it_serves_oauth1session_posts_replies_and_uploads(sandbox, session, account):
    base = f"{sandbox.url}/xsandbox"
    upload = session.post(
        f"{base}/2/media/upload",
        files={"media": ("cat.png", png_bytes(), "image/png")},
        data={"media_category": "tweet_image"},
    )
    assert upload.status_code == 200, upload.text
    media = upload.json()["data"]
    assert media["image"] == {"image_type": "image/png", "w": 32, "h": 24}
    alt = session.post(
        f"{base}/2/media/metadata",
        json={"id": media["id"], "metadata": {"alt_text": {"text": "A red square"}}},
    )
    assert alt.status_code == 200
    first = session.post(
        f"{base}/2/tweets", json={"text": "With a picture", "media": {"media_ids": [media["id"]]}}
    )
    assert first.status_code == 201
    assert set(first.json()["data"]) >= {"id", "text", "edit_history_tweet_ids"}
    assert first.headers["x-rate-limit-limit"] == "100"
    assert "x-user-limit-24hour-remaining" in first.headers
    reply = session.post(
        f"{base}/2/tweets",
        json={"text": "A reply", "reply": {"in_reply_to_tweet_id": first.json()["data"]["id"]}},
    )
    assert reply.status_code == 201
    stored = Post.objects.get(text="With a picture")
    assert [m.alt_text for m in stored.media.all()] == ["A red square"]
    assert Post.objects.get(text="A reply").in_reply_to == stored

    read = session.get(
        f"{base}/2/users/{account.user_id}/tweets",
        params={"max_results": 5, "tweet.fields": "created_at,conversation_id"},
    )
    assert read.status_code == 200, read.text
    posts = read.json()["data"]
    assert [post["text"] for post in posts] == ["A reply", "With a picture"]
    assert posts[0]["conversation_id"] == first.json()["data"]["id"]
    assert read.json()["meta"] == {
        "result_count": 2,
        "newest_id": posts[0]["id"],
        "oldest_id": posts[1]["id"],
    }


def test_it_refuses_a_wrong_secret_a_stale_timestamp_and_a_replayed_nonce(sandbox, account):
    url = f"{sandbox.url}/xsandbox/2/users/me"
    secrets = credentials_of(account)
    good = OAuth1(
        secrets["consumer_key"],
        secrets["consumer_secret"],
        secrets["access_token"],
        secrets["access_token_secret"],
    )
    assert requests.get(url, auth=good, timeout=5).status_code == 200
    wrong = OAuth1(
        secrets["consumer_key"], "wrong", secrets["access_token"], secrets["access_token_secret"]
    )
    refused = requests.get(url, auth=wrong, timeout=5)
    assert refused.status_code == 401
    assert refused.json() == {
        "title": "Unauthorized",
        "detail": "Unauthorized",
        "type": "about:blank",
        "status": 401,
    }
    stale = OAuth1(*secrets.values(), timestamp=str(int(time.time()) - 3600))
    assert requests.get(url, auth=stale, timeout=5).status_code == 401
    prepared = requests.Request("GET", url, auth=good).prepare()
    with requests.Session() as replay:
        assert replay.send(prepared, timeout=5).status_code == 200
        assert replay.send(prepared, timeout=5).status_code == 401


def test_it_checks_the_signature_over_the_url_called(sandbox, account):
    secrets = credentials_of(account)
    auth = OAuth1(*secrets.values())  # key, secret, token, token secret in order
    signed_elsewhere = requests.Request("GET", "https://api.x.com/2/users/me", auth=auth).prepare()
    signed_elsewhere.url = f"{sandbox.url}/xsandbox/2/users/me"
    with requests.Session() as client:
        assert client.send(signed_elsewhere, timeout=5).status_code == 401


def test_it_refuses_duplicates_long_texts_and_bogus_media_as_x_does(sandbox, session):
    base = f"{sandbox.url}/xsandbox"
    assert session.post(f"{base}/2/tweets", json={"text": "Once only"}).status_code == 201
    duplicate = session.post(f"{base}/2/tweets", json={"text": "Once only"})
    assert duplicate.status_code == 403
    assert (
        duplicate.json()["detail"]
        == "You are not allowed to create a Tweet with duplicate content."
    )
    too_long = session.post(f"{base}/2/tweets", json={"text": "字" * 141})
    assert too_long.status_code == 400
    assert "282" in too_long.json()["errors"][0]["message"]
    bogus = session.post(f"{base}/2/tweets", json={"text": "Pic", "media": {"media_ids": ["123"]}})
    assert bogus.status_code == 400
    not_image = session.post(
        f"{base}/2/media/upload", files={"media": ("x.png", b"<svg onload=alert(1)>", "image/png")}
    )
    assert not_image.status_code == 400
    assert Post.objects.count() == 1


def test_it_answers_dotted_and_over_long_texts_quickly_as_x_does(sandbox, session):
    base = f"{sandbox.url}/xsandbox"
    for text, message in [("U.S." * 500, "2000"), ("a." * 30_000, "too long")]:
        started = time.perf_counter()
        refused = session.post(f"{base}/2/tweets", json={"text": text}, timeout=30)
        assert time.perf_counter() - started < 3.0, text[:8]
        assert refused.status_code == 400
        assert message in refused.json()["errors"][0]["message"]
    assert Post.objects.count() == 0


def test_it_refuses_plaintext_signatures(sandbox, account):
    auth = OAuth1(*credentials_of(account).values(), signature_method="PLAINTEXT")
    assert (
        requests.get(f"{sandbox.url}/xsandbox/2/users/me", auth=auth, timeout=5).status_code == 401
    )


def test_it_limits_the_rate_with_x_headers(sandbox, session):
    answers = [session.get(f"{sandbox.url}/xsandbox/2/users/me") for _ in range(76)]
    assert [a.status_code for a in answers[-2:]] == [200, 429]
    assert [a.headers["x-rate-limit-limit"] for a in answers[-2:]] == ["75", "75"]
    assert [a.headers["x-rate-limit-remaining"] for a in answers[:2]] == ["74", "73"]
    assert [a.headers["x-rate-limit-remaining"] for a in answers[-2:]] == ["0", "0"]
    assert answers[-1].json()["title"] == "Too Many Requests"
    assert 0 < int(answers[-1].headers["x-rate-limit-reset"]) - time.time() <= 15 * 60


def test_it_limits_posts_per_24_hours_with_x_headers(sandbox, session, settings):
    settings.XSANDBOX_DAILY_POST_LIMIT = 2
    answers = [
        session.post(f"{sandbox.url}/xsandbox/2/tweets", json={"text": f"Post {n}"})
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    remaining = [a.headers["x-user-limit-24hour-remaining"] for a in answers]
    assert remaining == ["1", "0", "0"]
    reset = int(answers[2].headers["x-user-limit-24hour-reset"])
    assert 23 * 3600 < reset - time.time() <= 24 * 3600
    assert Post.objects.count() == 2


def test_it_pages_timelines_as_x_does(sandbox, session, account):
    base = f"{sandbox.url}/xsandbox"
    for n in range(7):
        session.post(f"{base}/2/tweets", json={"text": f"Numbered {n}"})
    url = f"{base}/2/users/{account.user_id}/tweets"
    first = session.get(url, params={"max_results": 5}).json()
    assert [post["text"] for post in first["data"]] == [f"Numbered {n}" for n in (6, 5, 4, 3, 2)]
    rest = session.get(
        url, params={"max_results": 5, "pagination_token": first["meta"]["next_token"]}
    )
    assert [post["text"] for post in rest.json()["data"]] == ["Numbered 1", "Numbered 0"]
    assert "next_token" not in rest.json()["meta"]
    newer = session.get(url, params={"max_results": 5, "since_id": first["meta"]["newest_id"]})
    assert newer.json() == {"meta": {"result_count": 0}}
    too_many = session.get(url, params={"max_results": 500})
    assert too_many.status_code == 400
    assert too_many.json()["title"] == "Invalid Request"


def test_replies_mention_the_author_and_replies_to_deleted_posts_are_refused(
    sandbox, session, account, other_account
):
    base = f"{sandbox.url}/xsandbox"
    other = OAuth1Session(*credentials_of(other_account).values())
    asked = {"text": f"Anyone out there, @{account.handle}?"}
    original = other.post(f"{base}/2/tweets", json=asked).json()["data"]
    reply = {"text": "Here!", "reply": {"in_reply_to_tweet_id": original["id"]}}
    assert session.post(f"{base}/2/tweets", json=reply).status_code == 201
    mentions = other.get(
        f"{base}/2/users/{other_account.user_id}/mentions",
        params={"expansions": "author_id", "tweet.fields": "author_id,in_reply_to_user_id"},
    ).json()
    assert [(p["text"], p["in_reply_to_user_id"]) for p in mentions["data"]] == [
        ("Here!", other_account.user_id)
    ]
    assert mentions["includes"]["users"][0]["username"] == account.handle
    assert other.delete(f"{base}/2/tweets/{original['id']}").json() == {"data": {"deleted": True}}
    late = session.post(f"{base}/2/tweets", json={**reply, "text": "Still here?"})
    assert late.status_code == 403
    assert "deleted or not visible" in late.json()["detail"]


def test_a_reply_to_a_post_that_does_not_mention_the_account_is_refused_as_x_does(
    sandbox, session, account, other_account
):
    base = f"{sandbox.url}/xsandbox"
    other = OAuth1Session(*credentials_of(other_account).values())
    unsummoned = other.post(f"{base}/2/tweets", json={"text": "Talking to nobody."}).json()
    own = session.post(f"{base}/2/tweets", json={"text": "My own thread."}).json()

    refused = session.post(
        f"{base}/2/tweets",
        json={"text": "Hi!", "reply": {"in_reply_to_tweet_id": unsummoned["data"]["id"]}},
    )
    threaded = session.post(
        f"{base}/2/tweets",
        json={"text": "And more.", "reply": {"in_reply_to_tweet_id": own["data"]["id"]}},
    )

    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Reply to this conversation is not allowed because you have not been mentioned or "
        "otherwise engaged by the author of the post you are replying to."
    )
    assert threaded.status_code == 201, "a reply to one's own post is allowed"
    mine = session.get(f"{base}/2/users/{account.user_id}/tweets").json()["data"]
    assert [post["text"] for post in mine] == ["And more.", "My own thread."]


def test_me_gives_the_bio_when_asked_for_its_description(sandbox, session, account):
    set_bio(account, "A bot that reads Holmes. Run by @operator.")
    base = f"{sandbox.url}/xsandbox"

    plain = session.get(f"{base}/2/users/me").json()["data"]
    described = session.get(f"{base}/2/users/me", params={"user.fields": "description"})

    assert "description" not in plain
    assert described.json()["data"]["description"] == "A bot that reads Holmes. Run by @operator."


def test_bodies_no_json_parser_or_column_takes_are_refused_with_a_400(sandbox, session):
    base = f"{sandbox.url}/xsandbox"
    media = session.post(
        f"{base}/2/media/upload",
        files={"media": ("red.png", png_bytes(), "image/png")},
        data={"media_category": "tweet_image"},
    ).json()["data"]["id"]
    json_type = {"Content-Type": "application/json"}
    nested = b"[" * 100_000
    for url, body in [
        ("2/tweets", nested),
        ("2/tweets", b'{"text": "half a \\ud800 pair"}'),
        ("2/tweets", b'{"text": "\xff\xfe not UTF-8"}'),
        ("2/media/metadata", nested),
        ("2/media/metadata", b'{"id": "%s", "metadata": {"alt_text": {"text": "a\\u0000b"}}}'),
        ("2/media/metadata", b'{"id": "%s", "metadata": {"alt_text": {"text": "\\udfff"}}}'),
        ("2/media/metadata", b'{"id": "%s", "metadata": {"alt_text": {"text": {"a": 1}}}}'),
    ]:
        answer = session.post(
            f"{base}/{url}", data=body.replace(b"%s", media.encode()), headers=json_type
        )
        assert (url, body[:40], answer.status_code) == (url, body[:40], 400)
        assert answer.json()["title"] == "Invalid Request"


def test_timeline_parameters_x_would_refuse_are_a_400(sandbox, session, account):
    url = f"{sandbox.url}/xsandbox/2/users/{account.user_id}/mentions"
    for params in [
        {"max_results": "²"},
        {"since_id": "\x00"},
        {"until_id": "-5"},
        {"pagination_token": "not-a-token"},
        {"start_time": "yesterday"},
    ]:
        answer = session.get(url, params=params)
        assert (params, answer.status_code) == (params, 400)
    assert session.get(url, params={"since_id": "5"}).json() == {"meta": {"result_count": 0}}
