"""A bot's whole life with DEBUG logging on, through the site's own pages and the sandbox over
HTTP: created, verified, drafts generated, approved, posted, then failing on purpose with a
wrong secret. No credential appears in any log line, page, error, database dump or row."""

import io
import logging
from urllib.parse import parse_qs, urlsplit

from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bots.models import Bot, SignIn, XApp
from tests.factories import make_operator
from tests.integration.world import ready_corpus_for
from tweets import posting
from tweets.models import PostAttempt, Tweet
from xsandbox.accounts import app_credentials, credentials_of, ensure_app

WRONG_SECRET = "a-WRONG-consumer-secret-typed-by-a-person"


def test_no_secret_escapes_a_bots_whole_life(client, superuser, account, caplog, settings):
    caplog.set_level(logging.DEBUG)
    secrets = {**credentials_of(account), "wrong": WRONG_SECRET}
    pages = []
    client.force_login(superuser)

    # Created in the admin, with its credentials typed in.
    form = {
        "name": "Secretive",
        "handle": account.handle,
        "platform": "sandbox",
        "is_active": "on",
        "posting_mode": "review",
        "daily_post_cap": 24,
        **credentials_of(account),
    }
    response = client.post(reverse("admin:bots_bot_add"), form, follow=True)
    pages.append(response.content.decode())
    bot = Bot.objects.get(name="Secretive")
    pages.append(client.get(reverse("admin:bots_bot_change", args=[bot.pk])).content.decode())

    # Verified, drafts written, one approved and posted.
    pages.append(client.post(reverse("bots:verify", args=[bot.pk]), follow=True).content.decode())
    ready_corpus_for(bot)
    from tweets.drafting import generate_drafts

    first, second = generate_drafts(bot, count=2)
    pages.append(
        client.post(reverse("tweets:approve", args=[first.pk]), follow=True).content.decode()
    )
    posting.post_claimed(posting.claim_next(bot.pk))
    assert Tweet.objects.get(pk=first.pk).state == "posted"

    # A person types a wrong secret: verification and posting fail, clearly.
    settings_form = {
        "handle": account.handle,
        "platform": "sandbox",
        "posting_mode": "review",
        "daily_post_cap": 24,
        "consumer_secret": WRONG_SECRET,
    }
    pages.append(
        client.post(
            reverse("bots:settings", args=[bot.pk]), settings_form, follow=True
        ).content.decode()
    )
    pages.append(client.post(reverse("bots:verify", args=[bot.pk]), follow=True).content.decode())
    bot.refresh_from_db()
    bot.attention_reason = ""
    bot.save()
    pages.append(
        client.post(reverse("tweets:approve", args=[second.pk]), follow=True).content.decode()
    )
    posting.post_claimed(posting.claim_next(bot.pk))
    second.refresh_from_db()
    assert second.state == "failed" and "401" in second.last_error
    for name in ("dashboard",):
        pages.append(client.get(reverse(name)).content.decode())
    pages.append(client.get(reverse("tweets:history", args=[bot.pk])).content.decode())
    pages.append(client.get(reverse("bots:detail", args=[bot.pk])).content.decode())

    dump = io.StringIO()
    call_command("dumpdata", "bots", "tweets", stdout=dump)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM bots_bot")
        raw = repr(cursor.fetchall())
    errors = " ".join(
        [
            *Tweet.objects.values_list("last_error", flat=True),
            *PostAttempt.objects.values_list("error", flat=True),
        ]
    )
    assert "DEBUG" in {record.levelname for record in caplog.records}
    haystacks = {
        "logs": caplog.text,
        "pages": "\n".join(pages),
        "dump": dump.getvalue(),
        "raw": raw,
        "errors": errors,
    }
    for where, text in haystacks.items():
        for name, secret in secrets.items():
            assert secret not in text, f"the {name} credential appears in the {where}"


def test_no_secret_escapes_connecting_a_bot(client, sandbox, transactional_db, caplog):
    caplog.set_level(logging.DEBUG)
    keys = app_credentials(ensure_app("Secret-keeping app")[0])
    app = XApp(name="Secret-keeping app", platform="sandbox", is_default=True)
    app.set_consumer_credentials(key=keys["consumer_key"], secret=keys["consumer_secret"])
    app.save()
    operator = make_operator()
    client.force_login(operator)
    pages = []

    # Add bot, Connect: off to the sandbox's sign-in page, approved there, and back.
    to_sandbox = client.post(reverse("bots:new"), {"app": app.pk})
    authorize = urlsplit(to_sandbox["Location"])
    request_secret = SignIn.objects.get().request_secret()
    pages.append(client.get(f"{authorize.path}?{authorize.query}").content.decode())
    approved = client.post(
        f"{authorize.path}?{authorize.query}",
        {
            "oauth_token": parse_qs(authorize.query)["oauth_token"][0],
            "new_handle": "tight_lipped",
            "decision": "authorize",
        },
    )
    assert approved.status_code == 302, approved.content.decode()[-3000:]
    back = urlsplit(approved["Location"])
    verifier = parse_qs(back.query)["oauth_verifier"][0]
    landed = client.get(f"{back.path}?{back.query}", follow=True)
    pages.append(landed.content.decode())
    bot = Bot.objects.get(handle="tight_lipped")
    for name in ("dashboard", "bots:apps"):
        pages.append(client.get(reverse(name)).content.decode())
    pages.append(client.get(reverse("bots:detail", args=[bot.pk])).content.decode())
    pages.append(client.get(reverse("bots:activity")).content.decode())

    dump = io.StringIO()
    call_command("dumpdata", "bots", "tweets", "activity", stdout=dump)
    secrets = {
        "consumer secret": keys["consumer_secret"],
        "request-token secret": request_secret,
        "verifier": verifier,
        "access token secret": bot.credentials().access_token_secret,
    }
    haystacks = {"logs": caplog.text, "pages": "\n".join(pages), "dump": dump.getvalue()}
    assert "Connected @tight_lipped" in landed.content.decode()
    for where, text in haystacks.items():
        for name, secret in secrets.items():
            assert secret not in text, f"the {name} appears in the {where}"


def test_the_web_servers_request_lines_lose_a_sign_ins_query():
    server_log = logging.getLogger("django.server")
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    server_log.addHandler(handler)
    try:
        server_log.info(
            '"%s" %s %s',
            "GET /bots/connect/callback/?oauth_token=tok3n&oauth_verifier=v3rifier HTTP/1.1",
            "302",
            "0",
        )
    finally:
        server_log.removeHandler(handler)
    line = written.getvalue()
    assert "/bots/connect/callback/?oauth_token=[redacted]&oauth_verifier=[redacted]" in line
    assert "v3rifier" not in line and "tok3n" not in line
