"""project.media: gallery images served in every profile, only to those who may see them."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import make_bot, make_image, make_user


def test_an_owner_gets_their_bots_image_and_thumbnail_not_sniffable(client, owner, bot):
    image = make_image(bot=bot)
    client.force_login(owner)

    for field in (image.image, image.thumbnail):
        response = client.get(field.url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] in ("image/png", "image/jpeg")
        assert b"".join(response.streaming_content) == field.open("rb").read()


def test_another_owner_gets_a_404_for_an_image_they_may_not_see(client, bot):
    image = make_image(bot=bot)
    client.force_login(make_user())

    assert client.get(image.image.url).status_code == 404


def test_files_that_are_not_gallery_images_are_never_served(client, owner, bot):
    make_image(bot=bot)
    default_storage.save("models/compiled.bin", ContentFile(b"a corpus model"))
    client.force_login(owner)

    for url in ("/media/models/compiled.bin", "/media/../project/settings.py", "/media/x/"):
        assert client.get(url).status_code == 404, url


def test_behind_nginx_the_proxy_sends_the_bytes(client, owner, bot, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    image = make_image(bot=make_bot(owners=[owner]))
    client.force_login(owner)

    response = client.get(image.image.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.image.name}"
    assert response.content == b""
