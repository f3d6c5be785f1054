"""Who may post: one rule (active, all credentials, not refused, credit left) for a bot and
for a query of bots."""

import pytest

from bots.models import Bot
from tests.conftest import SECRETS
from tests.factories import make_bot


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
