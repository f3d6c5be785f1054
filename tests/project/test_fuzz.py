"""Bad input never becomes a 500: random strings in every form field of the site, random
bytes as corpus files and X archives. Each answer is a page, a redirect or a clear refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_bot, make_corpus, make_tweet

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e309",
            "nan",
            "2026-13-45T25:61",
            "9" * 40,
            "<script>",
            "\x00",
            "²",
            "9999-12-31",
            "0001-01-01",
        ]
    ),
)


@pytest.fixture
def site(client, owner, credential_keys):
    bot = make_bot(owners=[owner])
    corpus = make_corpus(text="The dog barks at night. The cat sleeps all day.", created_by=owner)
    corpus.bots.add(bot)
    client.force_login(owner)
    return {"client": client, "bot": bot, "corpus": corpus, "tweet": make_tweet(bot=bot)}


def forms(site):
    bot, corpus, tweet = site["bot"], site["corpus"], site["tweet"]
    return [
        (reverse("tweets:edit", args=[tweet.pk]), ["text"]),
        (reverse("tweets:approve_at", args=[tweet.pk]), ["at"]),
        (reverse("tweets:bulk"), ["action", "tweets"]),
        (reverse("tweets:count"), ["text"]),
        (reverse("bots:generate", args=[bot.pk]), ["count", "seed"]),
        (
            reverse("bots:settings", args=[bot.pk]),
            ["handle", "platform", "posting_mode", "daily_post_cap", "consumer_key"],
        ),
        (reverse("corpora:list"), ["name", "state_size"]),
        (reverse("corpora:add_text", args=[corpus.pk]), ["name", "text"]),
        (reverse("corpora:link_bot", args=[corpus.pk]), ["bot", "weight"]),
        (reverse("login"), ["username", "password"]),
    ]


@FUZZ
@given(values=st.lists(junk, min_size=5, max_size=5))
def test_random_form_input_never_breaks_a_page(site, values):
    client = site["client"]
    for url, fields in forms(site):
        response = client.post(url, dict(zip(fields, values, strict=False)))
        assert response.status_code < 500, url
    bot = site["bot"].pk
    dates = {"since": values[2], "until": values[3], "before": values[4]}
    pages = [
        (reverse("tweets:history", args=[bot]), {"q": values[0], "state": values[1], **dates}),
        (reverse("tweets:history_csv", args=[bot]), dates),
        (reverse("bots:activity"), {"bot": values[0], "group": values[1], **dates}),
        (reverse("tweets:review"), {"bot": values[0], "group": values[1], "after": values[2]}),
        (reverse("dashboard"), {"group": values[0], "page": values[1]}),
    ]
    for url, query in pages:
        response = client.get(url, query)
        assert response.status_code < 500, url
        if response.streaming:
            b"".join(response.streaming_content)  # the stream runs to its end


@pytest.mark.parametrize(
    "data",
    [
        b"window.YTD.tweets.part0 = " + b"[" * 100_000 + b"]" * 100_000,
        b'[{"tweet": {"full_text": "x = y"}}]',
        b'{"tweet": ' * 50_000 + b"1" + b"}" * 50_000,
        "Grüße aus 🌊".encode("utf-32"),
        b"\xff\xfeG\x00r\x00\xfc",
    ],
)
def test_odd_archives_and_files_are_refused_or_kept_never_a_500(site, data):
    for kind in ("add_file", "add_x_archive"):
        url = reverse(f"corpora:{kind}", args=[site["corpus"].pk])
        response = site["client"].post(url, {"file": SimpleUploadedFile("tweets.js", data)})
        assert response.status_code < 500


@FUZZ
@given(data=st.binary(max_size=4000), kind=st.sampled_from(["add_file", "add_x_archive"]))
def test_random_bytes_as_corpora_are_refused_or_kept_never_a_500(site, data, kind):
    url = reverse(f"corpora:{kind}", args=[site["corpus"].pk])
    response = site["client"].post(url, {"file": SimpleUploadedFile("upload.txt", data)})
    assert response.status_code < 500


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=4000),
        st.sampled_from(
            [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00WEBP"]
        ).flatmap(lambda magic: st.binary(max_size=2000).map(lambda rest: magic + rest)),
    ),
    name=st.sampled_from(["photo.jpg", "pic.png", "anim.gif", "x.webp", "drawing.svg", "noext"]),
)
def test_random_bytes_as_images_are_refused_with_a_message_never_a_500(site, data, name):
    from bots.models import BotImage

    url = reverse("bots:gallery_upload", args=[site["bot"].pk])
    before = BotImage.objects.count()
    response = site["client"].post(url, {"images": [SimpleUploadedFile(name, data)]}, follow=True)
    assert response.status_code < 500
    assert BotImage.objects.count() == before  # random bytes are never a picture worth keeping
