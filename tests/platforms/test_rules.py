"""platforms.rules_for, client_for and post_url: each bot's network by `bot.platform`, its
limits and its prices, read from the settings when asked for."""

from decimal import Decimal

import pytest
from django.urls import reverse

from platforms import client_for, post_url, rules_for
from platforms.base import Call
from tests.factories import make_bot, make_tweet


@pytest.fixture
def x_bot(db, credential_keys, secrets_):
    return make_bot(handle="real_bot", platform="x", credentials=secrets_)


def test_rules_for_an_x_bot_are_xs_limits(x_bot):
    rules = rules_for(x_bot)
    assert (rules.max_length, rules.max_images, rules.max_alt_text) == (280, 4, 1000)
    assert rules.max_image_bytes == 5 * 1024 * 1024
    assert rules.weighted_length("café 😀 https://example.com") == 4 + 1 + 2 + 1 + 23
    assert rules.is_valid("x" * 280) and not rules.is_valid("x" * 281)
    assert rules.has_url("Read example.com") and not rules.has_url("A sentence.ending with a dot")


def test_a_sandbox_bot_has_xs_limits(bot):
    assert bot.platform == "sandbox"
    rules, x = rules_for(bot), rules_for(make_bot(platform="x"))
    assert (rules.max_length, rules.max_images, rules.max_alt_text, rules.max_image_bytes) == (
        x.max_length,
        x.max_images,
        x.max_alt_text,
        x.max_image_bytes,
    )


def test_prices_default_to_xs_published_prices(x_bot, bot):
    expected = {
        Call.POST: "0.015",
        Call.POST_WITH_URL: "0.2",
        Call.SUMMONED_REPLY: "0.01",
        Call.MEDIA_METADATA: "0.005",
        Call.POST_READ: "0.005",
        Call.USER_READ: "0.01",
        Call.OWNED_READ: "0.001",
    }
    for each in (x_bot, bot):
        prices = {call: rules_for(each).price(call) for call in Call}
        assert prices == {call: Decimal(price) for call, price in expected.items()}


def test_prices_are_read_from_the_settings_when_asked(x_bot, bot, settings):
    settings.X_PRICE_PER_POST_USD = 0.03
    settings.X_PRICE_PER_USER_READ_USD = 0.02
    settings.SANDBOX_PRICE_PER_POST_USD = 0.001
    settings.SANDBOX_PRICE_PER_OWNED_READ_USD = 0
    assert rules_for(x_bot).price(Call.POST) == Decimal("0.03")
    assert rules_for(x_bot).price(Call.USER_READ) == Decimal("0.02")
    assert rules_for(bot).price(Call.POST) == Decimal("0.001")
    assert rules_for(bot).price(Call.OWNED_READ) == Decimal("0")


def test_a_post_with_a_link_costs_the_link_price(x_bot, settings):
    settings.X_PRICE_PER_POST_USD = 0.015
    settings.X_PRICE_PER_POST_WITH_LINK_USD = 0.2
    rules = rules_for(x_bot)
    assert rules.post_price("Plain words.") == Decimal("0.015")
    assert rules.post_price("Plain words at example.com") == Decimal("0.2")


def test_post_url_of_an_x_bot_is_on_x(x_bot):
    assert post_url(x_bot, "123") == "https://x.com/real_bot/status/123"


def test_post_url_of_a_sandbox_bot_is_the_sandbox_post_page(bot, settings):
    settings.SANDBOX_BASE_URL = "http://sandbox.test/xsandbox/"
    settings.SANDBOX_WEB_URL = ""
    assert post_url(bot, "1000042") == "http://sandbox.test/xsandbox/status/1000042/"
    settings.SANDBOX_WEB_URL = "https://demo.example/xsandbox"
    assert post_url(bot, "1000042") == "https://demo.example/xsandbox/status/1000042/"


def test_post_url_matches_the_path_the_sandbox_serves(bot, settings):
    settings.SANDBOX_BASE_URL = "http://testserver/xsandbox"
    settings.SANDBOX_WEB_URL = ""
    assert post_url(bot, "1000042") == "http://testserver" + reverse(
        "xsandbox:post", args=["1000042"]
    )


def test_a_tweets_post_url_is_its_platforms(bot, x_bot, settings):
    settings.SANDBOX_BASE_URL = "http://sandbox.test/xsandbox"
    settings.SANDBOX_WEB_URL = ""
    assert make_tweet(bot=bot, x_post_id="7").x_post_url == "http://sandbox.test/xsandbox/status/7/"
    assert make_tweet(bot=x_bot, x_post_id="8").x_post_url == "https://x.com/real_bot/status/8"
    assert make_tweet(bot=x_bot).x_post_url == ""


def test_client_for_calls_the_base_url_of_the_bots_platform(x_bot, bot, settings):
    settings.X_API_BASE_URL = "https://api.x.test/"
    settings.SANDBOX_BASE_URL = "http://sandbox.test/xsandbox"
    assert client_for(x_bot).base_url == "https://api.x.test"
    assert client_for(bot).base_url == "http://sandbox.test/xsandbox"


def test_a_bot_on_an_unknown_platform_is_refused_by_name(bot):
    bot.platform = "myspace"
    with pytest.raises(LookupError, match="myspace"):
        rules_for(bot)
