"""Which credentials a form asks for (bots.credential_forms): those a person may type on the
bot's network, write-only; a new bot of the admin's, on no network yet, may take any; a
malformed app password is refused before anything signs in."""

import pytest

from bots.forms import BotAdminForm, BotSettingsForm, KeysForm
from tests.factories import make_bot

X_KEYS = ["consumer_key", "consumer_secret", "access_token", "access_token_secret"]


@pytest.mark.parametrize(
    ("platform", "handle", "asked"),
    [
        ("x", "on_x", X_KEYS),
        ("sandbox", "in_sandbox", X_KEYS),
        ("mastodon_sandbox", "toot@localhost", []),
        ("bluesky_sandbox", "sky.bsky.sandbox.test", ["app_password"]),
    ],
)
def test_a_bots_forms_ask_for_its_networks_credentials_only(
    db, credential_keys, platform, handle, asked
):
    bot = make_bot(platform=platform, handle=handle)
    for form in (BotSettingsForm(instance=bot), BotAdminForm(instance=bot)):
        assert [field.name for field in form.credential_fields()] == asked
        assert not {*X_KEYS, "app_password"} - set(asked) & set(form.fields)


def test_a_new_bot_in_the_admin_may_take_any_networks_credentials(db):
    names = [field.name for field in BotAdminForm().credential_fields()]
    assert names == [*X_KEYS, "app_password"]


def test_keys_typed_by_hand_are_always_xs_four_and_required(db):
    form = KeysForm({"platform": "sandbox"})
    assert not form.is_valid()
    assert set(form.errors) == set(X_KEYS)


def test_a_malformed_app_password_is_refused_before_signing_in(db, credential_keys):
    bot = make_bot(platform="bluesky_sandbox", handle="sky.bsky.sandbox.test")
    data = {
        "handle": bot.handle,
        "platform": bot.platform,
        "posting_mode": "review",
        "daily_post_cap": 5,
        "app_password": "my main password",
    }
    form = BotSettingsForm(data, instance=bot)
    assert not form.is_valid()
    assert "xxxx-xxxx-xxxx-xxxx" in form.errors["app_password"][0]
