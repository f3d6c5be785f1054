"""Every page of the site, built from the URL configuration itself, against four visitors:
anonymous, the owner of bot A, the owner of bot B (both bot operators) and a superuser. A new
URL with an argument this test cannot fill fails it, so no page slips in unchecked. Adding
bots is for operators only and the X apps for superusers only, checked against a plain user."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.factories import (
    image_bytes,
    make_bot,
    make_corpus,
    make_image,
    make_operator,
    make_sandbox_post,
    make_tweet,
    make_user,
)

# The admin guards itself (staff only, tested in test_admin); the sandbox's API is checked by
# OAuth as X's is (tests/xsandbox/test_api.py), its Bluesky PDS by bearer tokens as Bluesky's
# is (tests/platforms/test_bluesky_client.py), while its pages are for owners like any other.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_ROUTES = (
    "xsandbox/2/",
    "xsandbox/oauth/",
    "xsandbox/mastodon/api/",
    "xsandbox/mastodon/oauth/token",
    "xsandbox/bluesky/xrpc/",
)
PUBLIC = {"login", "logout"}
# Pages about the site itself, not anyone's bots: a superuser's alone.
SUPERUSER_ONLY = {"bots:apps", "bots:app", "bots:site_budget"}
OPERATOR_ONLY = {"bots:new", "bots:new_keys", "bots:connect_mastodon", "bots:new_bluesky"}
# A sign-in is its starter's alone: not even a superuser finishes another person's.
PERSONAL = {"bots:connect_pin"}


def site_urls(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from site_urls(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}".strip(":")
            yield name, prefix + str(entry.pattern), list(entry.pattern.converters)


def fill(route: str, name: str, params: list[str], world: dict) -> str:
    namespace = name.split(":")[0]
    kind = next(
        (kind for kind in ("groups", "apps", "connect", "mastodon") if f"/{kind}/" in f"/{route}"),
        namespace,
    )
    values = {
        "pk": lambda: world["objects"][kind],
        "bot_pk": lambda: world["bot"].pk,
        "job_pk": lambda: world["job"].pk,
        "source_pk": lambda: world["source"].pk,
        "image_pk": lambda: world["image"].pk,
        "user_pk": lambda: world["users"]["owner_a"].pk,
        "path": lambda: world["image"].image.name,
        "handle": lambda: (
            (
                world["skeet"].account if "bluesky/" in route else world["sandbox_post"].account
            ).handle
        ),
        "post_id": lambda: world["sandbox_post"].post_id,
        "entry_pk": lambda: world["do_not_reply"].pk,
        "username": lambda: world["toot"].account.username,
        "status_id": lambda: world["toot"].status_id,
        "did": lambda: world["skeet"].account.did,
        "cid": lambda: world["blob"].cid,
        "rkey": lambda: world["skeet"].rkey,
    }
    url = "/" + route
    for param in params:
        assert param in values, f"{name} takes <{param}>: teach this test which object it is"
        start = url.index("<")
        url = url[:start] + str(values[param]()) + url[url.index(">", start) + 1 :]
    return url


@pytest.fixture
def world(db, credential_keys, settings):
    from bots.do_not_reply import add_to_do_not_reply
    from bots.models import BotGroup, SignIn, XApp
    from tweets.models import GenerationJob
    from xsandbox.accounts import ensure_account
    from xsandbox.bluesky.accounts import ensure_account as ensure_bluesky_account
    from xsandbox.mastodon.accounts import ensure_account as ensure_mastodon_account
    from xsandbox.models import BlueskyBlob, BlueskyRecord, MastodonMedia, MastodonStatus

    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/xsandbox"  # refused at once, never hangs
    owner_a, owner_b = make_operator(), make_operator()
    app = XApp(name="The site's app", platform="sandbox", is_default=True)
    app.set_consumer_credentials(key="app-key-of-the-site", secret="app-secret-of-the-site")
    app.save()
    account = ensure_account("bot_of_a", name="Sandbox of A")[0]
    bot = make_bot(name="Bot-of-A", owners=[owner_a], x_user_id=account.user_id)
    make_bot(name="Bot-of-B", owners=[owner_b])
    corpus = make_corpus(text="Only A may read this corpus text.", created_by=owner_a)
    corpus.bots.add(bot)
    tweet = make_tweet(bot=bot, text="Draft that only A may see")
    group = BotGroup.objects.create(name="Group only A may see", created_by=owner_a)
    group.bots.add(bot)
    sandbox_post = make_sandbox_post(
        account=account, text="Post only A may see", image_alt_text="An image only A may see"
    )
    toots = ensure_mastodon_account("toots_of_a")[0]
    make_bot(
        name="Toots-of-A",
        handle="toots_of_a@localhost",
        platform="mastodon_sandbox",
        owners=[owner_a],
        x_user_id=toots.account_id,
    )
    toot = MastodonStatus.objects.create(account=toots, text="A toot only A may see")
    toot_media = MastodonMedia.objects.create(
        account=toots,
        file=ContentFile(image_bytes(), name="toot.png"),
        content_type="image/png",
        width=64,
        height=48,
        ready_at=timezone.now(),
    )
    sky = ensure_bluesky_account("bot-of-a.bsky.sandbox.test", name="Bluesky of A")[0]
    make_bot(
        name="Sky-of-A",
        owners=[owner_a],
        handle=sky.handle,
        platform="bluesky_sandbox",
        x_user_id=sky.did,
    )
    blob = BlueskyBlob.objects.create(
        account=sky,
        cid="bafkreiblobofa",
        mime_type="image/png",
        size=3,
        width=1,
        height=1,
        data=b"png",
    )
    image = {"image": {"ref": {"$link": blob.cid}}, "alt": "A picture only A may see"}
    skeet = BlueskyRecord.objects.create(
        account=sky,
        collection="app.bsky.feed.post",
        rkey="3m6xggvri222g",
        cid="bafyreiskeetofa",
        value={"text": "Skeet only A may see", "embed": {"images": [image]}},
    )
    sign_in = SignIn.objects.create(
        user=owner_a,
        app=app,
        bot=bot,
        request_token="request-token-of-a",
        encrypted_request_secret="not-read-here",
        uses_pin=True,
        authorize_url="http://127.0.0.1:9/xsandbox/oauth/authorize?oauth_token=request-token-of-a",
    )
    return {
        "users": {
            "owner_a": owner_a,
            "owner_b": owner_b,
            "superuser": make_user(superuser=True),
            "plain": make_user(),
        },
        "bot": bot,
        "job": GenerationJob.objects.create(bot=bot, count=1),
        "source": corpus.sources.first(),
        "image": make_image(bot=bot, alt_text="A picture only A may see"),
        "sandbox_post": sandbox_post,
        "do_not_reply": add_to_do_not_reply("x", handle="asked_to_stop", reason="stop")[0],
        "toot": toot,
        "skeet": skeet,
        "blob": blob,
        "objects": {
            "mastodon": toot_media.pk,
            "bots": bot.pk,
            "tweets": tweet.pk,
            "corpora": corpus.pk,
            "groups": group.pk,
            "apps": app.pk,
            "connect": sign_in.pk,
            "xsandbox": sandbox_post.media.get().pk,
        },
    }


def visit(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


CHECKED = list(site_urls())
PAGES = [
    c
    for c in CHECKED
    if c[0].split(":")[0] not in SKIPPED_NAMESPACES
    and c[0] not in PUBLIC
    and not c[1].startswith(SKIPPED_ROUTES)
]


@pytest.mark.parametrize(("name", "route", "params"), PAGES, ids=[page[0] for page in PAGES])
def test_every_page_is_for_its_owners_only(client, world, name, route, params):
    url = fill(route, name, params, world)
    owners = ("owner_a", "superuser")

    assert visit(client, url).status_code == 302, f"{url} open to anonymous visitors"

    client.force_login(world["users"]["owner_b"])
    response = visit(client, url)
    if name in SUPERUSER_ONLY:
        assert response.status_code == 403, f"{url} open to a user who is not a superuser"
        owners = ("superuser",)
    elif params:
        owners = ("owner_a",) if name in PERSONAL else owners
        assert response.status_code == 404, f"{url} shows A's things to B"
    else:
        body = response.content.decode(errors="replace")
        assert response.status_code < 500
        assert "Bot-of-A" not in body and "only A may" not in body

    for who in owners:
        client.force_login(world["users"][who])
        with transaction.atomic():
            response = visit(client, url)
            transaction.set_rollback(True)  # each visitor finds A's things as they were
        assert response.status_code not in (403, 404), f"{url} refused to {who}"
        assert response.status_code < 500


@pytest.mark.parametrize("name", sorted(OPERATOR_ONLY | SUPERUSER_ONLY))
def test_adding_bots_is_for_operators_and_apps_for_superusers(client, world, name):
    route, params = next((route, params) for n, route, params in CHECKED if n == name)
    url = fill(route, name, params, world)
    client.force_login(world["users"]["plain"])
    assert visit(client, url).status_code == 403, f"{url} open to a user who is no operator"
    client.force_login(world["users"]["owner_a"])
    expected = 403 if name in SUPERUSER_ONLY else 200
    assert client.get(url).status_code in (expected, 405)


def test_the_matrix_covers_the_site_pages():
    names = {name for name, _, _ in CHECKED}
    for expected in (
        "dashboard",
        "tweets:review",
        "bots:detail",
        "tweets:history",
        "tweets:mark_posted",
        "tweets:post_again",
        "corpora:detail",
        "xsandbox:timeline",
        "xsandbox:account",
        "xsandbox:bluesky_timeline",
        "xsandbox:bluesky_post",
        *OPERATOR_ONLY,
        *SUPERUSER_ONLY,
        "bots:connect_callback",
        "bots:connect_pin",
        "bots:reconnect",
        "bots:share",
        "bots:unshare",
    ):
        assert expected in names


def test_every_post_without_a_csrf_token_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["owner_a"])
    checked = 0
    for name, route, params in PAGES:
        url = fill(route, name, params, world)
        response = client.post(url, {})
        if response.status_code == 405:
            continue  # the page takes no POST at all
        checked += 1
        assert response.status_code == 403, f"{url} accepted a POST without a CSRF token"
    assert checked >= 15
