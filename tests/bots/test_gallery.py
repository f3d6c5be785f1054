"""The gallery: adding, describing and removing images, putting them on drafts, its pages,
and a tweet with an image posted to the sandbox with its alt text."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bots.gallery import add_gallery_image, set_alt_text
from bots.images import ImageRejected
from bots.models import BotImage
from tests.factories import image_bytes, make_bot, make_image, make_tweet
from tweets.images import AttachRefused, attach_images, remove_gallery_image
from tweets.models import Tweet, TweetImage


def upload(data: bytes, name="picture.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "green").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_it_stores_an_image_under_a_generated_name_with_no_gps(bot):
    added = add_gallery_image(bot, upload=upload(gps_jpeg(), name="../../home/secret.jpg"))

    assert added.created
    image = added.image
    assert "secret" not in image.image.name and image.sha256 in image.image.name
    with image.image.open("rb") as stored:
        reread = Image.open(io.BytesIO(stored.read()))
    assert not reread.getexif() and "exif" not in reread.info
    assert image.thumbnail.name and image.thumbnail.storage.exists(image.thumbnail.name)


def test_it_recognises_the_same_image_twice(bot):
    first = add_gallery_image(bot, upload=upload(image_bytes(format="JPEG")))
    again = add_gallery_image(bot, upload=upload(image_bytes(format="JPEG"), name="copy.jpg"))

    assert not again.created and again.image.pk == first.image.pk
    assert "already in the gallery" in again.message
    assert BotImage.objects.filter(bot=bot).count() == 1


def test_the_same_image_may_be_in_two_bots_galleries(bot):
    other = make_bot()
    add_gallery_image(bot, upload=upload(image_bytes(format="JPEG")))

    assert add_gallery_image(other, upload=upload(image_bytes(format="JPEG"))).created


def test_it_refuses_a_file_over_the_configured_limit_before_reading_it(bot, settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(ImageRejected, match="files up to"):
        add_gallery_image(bot, upload=upload(image_bytes(size=(400, 400), format="BMP")))
    assert not BotImage.objects.exists()


def test_alt_text_is_at_most_1000_characters(bot):
    image = make_image(bot=bot)

    set_alt_text(image, text="a" * 1000)
    with pytest.raises(ValueError, match="at most 1000"):
        set_alt_text(image, text="a" * 1001)
    image.refresh_from_db()
    assert image.alt_text == "a" * 1000


def test_removing_an_unused_image_deletes_it_and_its_files(bot, django_capture_on_commit_callbacks):
    image = make_image(bot=bot)
    storage, names = image.image.storage, [image.image.name, image.thumbnail.name]

    with django_capture_on_commit_callbacks(execute=True):
        assert remove_gallery_image(image) is True

    assert not BotImage.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_removing_an_image_a_posted_tweet_used_keeps_it_for_that_tweet(bot):
    image = make_image(bot=bot)
    tweet = make_tweet(bot=bot)
    attach_images(tweet, images=[image])
    Tweet.objects.filter(pk=tweet.pk).update(state=Tweet.State.POSTED)

    assert remove_gallery_image(image) is False

    image.refresh_from_db()
    assert image.removed_at is not None
    assert not BotImage.objects.in_gallery().exists()
    assert list(tweet.images.all()) == [image]
    assert image.image.storage.exists(image.image.name)


def test_a_draft_takes_at_most_4_images_of_its_own_bot(bot):
    images = [make_image(bot=bot, color=(n * 40, 10, 10)) for n in range(5)]
    tweet = make_tweet(bot=bot)

    with pytest.raises(AttachRefused, match="at most 4"):
        attach_images(tweet, images=images)
    attach_images(tweet, images=images[:4])
    assert [link.image for link in tweet.tweetimage_set.order_by("position")] == images[:4]

    foreign = make_image(bot=make_bot())
    with pytest.raises(AttachRefused, match="this bot's gallery"):
        attach_images(tweet, images=[foreign])

    attach_images(tweet, images=[])
    assert not tweet.tweetimage_set.exists()


def test_images_go_only_on_drafts(bot):
    tweet = make_tweet(bot=bot, state=Tweet.State.APPROVED)

    with pytest.raises(AttachRefused, match="draft"):
        attach_images(tweet, images=[make_image(bot=bot)])


def test_the_gallery_page_shows_images_alt_text_markers_and_use(client, owner, bot):
    described = make_image(bot=bot, alt_text="A red square", color=(255, 0, 0))
    make_image(bot=bot, color=(0, 0, 255))
    attach_images(make_tweet(bot=bot), images=[described])
    client.force_login(owner)

    body = client.get(reverse("bots:gallery", args=[bot.pk])).content.decode()

    assert "A red square" in body
    assert body.count("No alt text") == 1
    assert "used 1 time" in body and "used 0 times" in body
    detail = client.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert reverse("bots:gallery", args=[bot.pk]) in detail


BAD_FILES = [
    ("empty.jpg", b"", "empty"),
    ("notes.jpg", b"hello, not an image\n" * 20, "not a JPEG, PNG, WEBP or GIF"),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "not a JPEG, PNG, WEBP or GIF",
    ),
]


def test_uploading_several_files_stores_the_good_and_explains_each_bad(client, owner, bot):
    client.force_login(owner)
    files = [upload(image_bytes(format="JPEG"), name="good.jpg")]
    files += [upload(data, name=name) for name, data, _ in BAD_FILES]
    truncated = image_bytes(size=(300, 300), format="JPEG")
    files.append(upload(truncated[: len(truncated) // 2], name="cut.jpg"))

    response = client.post(
        reverse("bots:gallery_upload", args=[bot.pk]), {"images": files}, follow=True
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("good.jpg" in message and "added" in message for message in shown)
    for name, _, reason in BAD_FILES:
        assert any(name in message and reason in message for message in shown), name
    assert any("cut.jpg" in message and "cut short" in message for message in shown)
    assert BotImage.objects.filter(bot=bot).count() == 1


def test_a_dropped_upload_answers_one_result_line_per_file(client, owner, bot):
    client.force_login(owner)
    files = [upload(image_bytes(format="PNG"), name="good.png"), upload(b"junk", name="fake.jpg")]

    response = client.post(
        reverse("bots:gallery_upload", args=[bot.pk]), {"images": files}, HTTP_HX_REQUEST="true"
    )

    lines = response.content.decode().replace("</li>", "</li>\n").strip().splitlines()
    assert response.status_code == 200
    assert len(lines) == 2
    assert lines[0].startswith('<li class="success">good.png:')
    assert lines[1].startswith('<li class="error">') and "fake.jpg" in lines[1]
    # Nothing is left behind for the next page to show again.
    assert list(client.get(reverse("bots:gallery", args=[bot.pk])).context["messages"]) == []


def test_a_dropped_upload_without_files_says_so_in_its_line(client, owner, bot):
    client.force_login(owner)

    response = client.post(
        reverse("bots:gallery_upload", args=[bot.pk]), {}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert '<li class="error">Choose at least one image' in response.content.decode()


def test_an_upload_without_files_says_so(client, owner, bot):
    client.force_login(owner)

    response = client.post(reverse("bots:gallery_upload", args=[bot.pk]), {})

    assert response.status_code == 400
    assert "Choose at least one image" in response.content.decode()


def test_alt_text_is_edited_in_place(client, owner, bot):
    image = make_image(bot=bot)
    client.force_login(owner)
    url = reverse("bots:image_alt_text", args=[bot.pk, image.pk])

    response = client.post(url, {"alt_text": "A calm sea"}, HTTP_HX_REQUEST="true")
    assert "A calm sea" in response.content.decode()
    too_long = client.post(url, {"alt_text": "x" * 1001}, HTTP_HX_REQUEST="true")

    assert "at most 1000" in too_long.content.decode()
    image.refresh_from_db()
    assert image.alt_text == "A calm sea"


def test_the_delete_button_removes_the_image(client, owner, bot):
    image = make_image(bot=bot)
    client.force_login(owner)

    client.post(reverse("bots:image_remove", args=[bot.pk, image.pk]))

    assert not BotImage.objects.in_gallery().exists()


def test_the_review_queue_picker_attaches_and_detaches_images(client, owner, bot):
    first, second = make_image(bot=bot), make_image(bot=bot, color=(1, 2, 3))
    tweet = make_tweet(bot=bot)
    client.force_login(owner)
    url = reverse("tweets:images", args=[tweet.pk])

    picker = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{first.pk}"' in picker and f'value="{second.pk}"' in picker
    card = client.post(url, {"images": [second.pk, first.pk]}, HTTP_HX_REQUEST="true")

    assert card.status_code == 200
    assert list(
        TweetImage.objects.filter(tweet=tweet).order_by("position").values_list("image", flat=True)
    ) == [second.pk, first.pk]
    client.post(url, {}, HTTP_HX_REQUEST="true")
    assert not TweetImage.objects.filter(tweet=tweet).exists()


def test_the_admin_uploads_through_the_same_checks(client, superuser, bot):
    client.force_login(superuser)
    url = reverse("admin:bots_botimage_add")

    refused = client.post(url, {"bot": bot.pk, "upload": upload(b"not an image", "x.jpg")})
    assert "not a JPEG, PNG, WEBP or GIF" in refused.content.decode()
    client.post(url, {"bot": bot.pk, "alt_text": "Hi", "upload": upload(gps_jpeg(), "g.jpg")})

    image = BotImage.objects.get(bot=bot)
    assert image.alt_text == "Hi" and image.thumbnail
    listing = client.get(reverse("admin:bots_botimage_changelist")).content.decode()
    assert image.thumbnail.url in listing


def test_a_tweet_with_an_image_is_posted_to_the_sandbox_with_its_alt_text(
    sandbox_bot, account, client, superuser
):
    from tweets import posting
    from xsandbox.models import Post

    image = make_image(bot=sandbox_bot, alt_text="A heron standing in reeds")
    tweet = make_tweet(bot=sandbox_bot, text="Look at this bird")
    attach_images(tweet, images=[image])
    Tweet.objects.filter(pk=tweet.pk).update(state=Tweet.State.APPROVED)

    posting.post_claimed(posting.claim_next(sandbox_bot.pk))

    tweet.refresh_from_db()
    assert tweet.state == Tweet.State.POSTED
    post = Post.objects.get(account=account)
    assert [media.alt_text for media in post.media.all()] == ["A heron standing in reeds"]
    client.force_login(superuser)
    timeline = client.get(reverse("xsandbox:timeline")).content.decode()
    assert "A heron standing in reeds" in timeline


def test_removing_an_image_takes_it_off_drafts(bot):
    image = make_image(bot=bot)
    draft = make_tweet(bot=bot)
    attach_images(draft, images=[image])

    assert remove_gallery_image(image) is True

    assert not draft.tweetimage_set.exists()


def test_the_gallery_page_costs_the_same_queries_with_more_images(client, owner, bot):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    url = reverse("bots:gallery", args=[bot.pk])
    make_image(bot=bot)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        attach_images(make_tweet(bot=bot), images=[make_image(bot=bot, color=(n, 9, 9))])

    assert queries() == few


def test_a_bot_set_to_always_gives_each_draft_its_least_used_image(bot):
    import random

    from tweets.images import auto_attach_images

    worn, fresh = make_image(bot=bot), make_image(bot=bot, color=(5, 5, 5))
    attach_images(make_tweet(bot=bot), images=[worn])
    bot.auto_image_percent = 100
    drafts = [make_tweet(bot=bot), make_tweet(bot=bot)]

    auto_attach_images(bot, drafts, rng=random.Random(7))

    assert list(drafts[0].images.all()) == [fresh]
    assert drafts[1].images.count() == 1


def test_a_bot_set_to_never_attaches_nothing(bot):
    import random

    from tweets.images import auto_attach_images

    make_image(bot=bot)
    draft = make_tweet(bot=bot)

    auto_attach_images(bot, [draft], rng=random.Random(7))

    assert not draft.images.exists()


def test_generated_drafts_get_images_by_the_bots_share(bot):
    from tests.integration.world import ready_corpus_for
    from tweets.drafting import generate_drafts

    ready_corpus_for(bot)
    make_image(bot=bot)
    bot.auto_image_percent = 100
    bot.save()

    drafts = generate_drafts(bot, count=3)

    assert drafts and all(draft.images.count() == 1 for draft in drafts)


def test_the_bot_page_sets_the_share_of_drafts_with_an_image(client, owner, bot):
    client.force_login(owner)
    form = {"handle": bot.handle, "platform": "x", "posting_mode": "review", "daily_post_cap": 24}
    url = reverse("bots:settings", args=[bot.pk])

    client.post(url, {**form, "auto_image_percent": 30})
    refused = client.post(url, {**form, "auto_image_percent": 101})

    assert refused.status_code == 400
    bot.refresh_from_db()
    assert bot.auto_image_percent == 30


def test_an_upload_larger_than_the_limit_is_refused_before_anything_is_spooled(
    client, owner, bot, settings, tmp_path
):
    settings.GALLERY_MAX_UPLOAD_BYTES = 2_000_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1_000  # any file Django kept would go to disk...
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "never-created")  # ...where it cannot
    client.force_login(owner)
    big = upload(b"\xff\xd8" + b"x" * 3_000_000, name="huge.jpg")

    response = client.post(reverse("bots:gallery_upload", args=[bot.pk]), {"images": [big]})

    assert response.status_code == 413
    assert "send at most 1.9 MB in one upload" in response.content.decode()
    assert not (tmp_path / "never-created").exists()
    assert not BotImage.objects.exists()


def test_an_upload_adds_at_most_ten_files_and_names_the_rest(client, owner, bot, settings):
    settings.GALLERY_MAX_FILES_PER_UPLOAD = 10
    client.force_login(owner)
    files = [
        upload(image_bytes(color=(n, 60, 30), format="PNG"), name=f"p{n}.png") for n in range(12)
    ]

    response = client.post(
        reverse("bots:gallery_upload", args=[bot.pk]), {"images": files}, follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    assert BotImage.objects.filter(bot=bot).count() == 10
    assert any("p10.png, p11.png" in message and "at most 10" in message for message in shown)


def test_an_upload_without_the_csrf_token_is_still_refused(owner, bot):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(
        reverse("bots:gallery_upload", args=[bot.pk]),
        {"images": [upload(image_bytes(format="PNG"), name="p.png")]},
    )

    assert response.status_code == 403
    assert not BotImage.objects.exists()
