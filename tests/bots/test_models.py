"""What a bot tells the pages (how it posts, its address on the site), and who may post: one
rule (active, all credentials, not refused, credit left) for a bot and for a query of bots."""

import pytest
from django.core.exceptions import ValidationError

from bots.models import Bot
from platforms.x.handles import HANDLE_RULE
from tests.conftest import SECRETS
from tests.factories import make_bot


def test_a_review_first_bot_reviews_first_and_an_autopilot_does_not():
    assert Bot(posting_mode=Bot.PostingMode.REVIEW).reviews_first()
    assert not Bot(posting_mode=Bot.PostingMode.AUTOPILOT).reviews_first()


def test_a_sandbox_bot_knows_it_is_one():
    assert Bot(platform=Bot.Platform.SANDBOX).is_sandbox()
    assert not Bot(platform=Bot.Platform.X).is_sandbox()


def test_a_bots_url_is_its_page_on_the_site(client, owner, bot):
    client.force_login(owner)
    response = client.get(bot.get_absolute_url())
    assert bot.get_absolute_url() == f"/bots/{bot.pk}/"
    assert response.status_code == 200
    assert bot.name in response.content.decode()


@pytest.mark.parametrize(
    "fields, may_post",
    [
        ({}, True),
        ({"is_active": False}, False),
        ({"attention_reason": "X refused the credentials (401)."}, False),
        ({"out_of_credit_reason": "Credits depleted (402)."}, False),
    ],
)
def test_a_bot_may_post_only_when_active_trusted_and_in_credit(
    db, credential_keys, fields, may_post
):
    bot = make_bot(credentials=SECRETS, **fields)
    assert bot.can_post() is may_post
    assert Bot.objects.may_post().filter(pk=bot.pk).exists() is may_post


def test_a_bot_missing_a_credential_may_not_post(db, credential_keys):
    for missing in SECRETS:
        bot = make_bot(credentials={k: v for k, v in SECRETS.items() if k != missing})
        assert not bot.has_credentials() and not bot.can_post()
        assert not Bot.objects.with_credentials().filter(pk=bot.pk).exists()
        assert not Bot.objects.may_post().filter(pk=bot.pk).exists()
    assert list(Bot.objects.with_credentials()) == []


def test_bots_on_x_include_the_x_sandbox(db):
    on_x = make_bot(platform=Bot.Platform.X)
    in_sandbox = make_bot(platform=Bot.Platform.SANDBOX)

    assert set(Bot.objects.on_network("x")) == {on_x, in_sandbox}
    assert not Bot.objects.on_network("mastodon").exists()


def test_a_bots_handle_follows_its_networks_rule(db):
    bot = make_bot(platform=Bot.Platform.X)
    bot.handle = "a_handle_too_long_for_x"

    with pytest.raises(ValidationError) as refused:
        bot.full_clean()

    assert refused.value.message_dict["handle"] == [HANDLE_RULE]


def test_a_bot_needs_only_the_credentials_its_platform_uses(db, credential_keys):
    bot = make_bot(platform=Bot.Platform.X, credentials={"access_token": "token"})

    assert not bot.has_credentials()
    assert not Bot.objects.with_credentials().filter(pk=bot.pk).exists()
