"""Demo bots speak as sandbox accounts of their own handles, whatever happened since."""

from platforms import client_for
from project.demo.flock import load_demo_data
from xsandbox.models import Account


def test_demo_bots_speak_as_their_sandbox_accounts_even_after_a_sandbox_reset(
    sandbox, owner, credential_keys
):
    bots = load_demo_data(owner=owner)
    assert [client_for(bot).me().username for bot in bots] == [bot.handle for bot in bots]
    stored = [bot.encrypted_consumer_key for bot in bots]
    assert [bot.encrypted_consumer_key for bot in load_demo_data(owner=owner)] == stored

    Account.objects.all().delete()
    bots = load_demo_data(owner=owner)
    assert [client_for(bot).me().username for bot in bots] == [bot.handle for bot in bots]
    assert all(bot.x_user_id == Account.objects.get(handle=bot.handle).user_id for bot in bots)


def test_demo_bots_get_a_small_gallery_with_alt_text_once(db, owner, credential_keys):
    bots = load_demo_data(owner=owner)
    load_demo_data(owner=owner)
    for bot in bots:
        images = list(bot.images.all())
        assert len(images) == 2
        assert all(image.alt_text and image.thumbnail for image in images)
        bot.refresh_from_db()
        assert bot.auto_image_percent == 50
