"""X's automated-account checklist: the label a person confirms, a bio that says bot and
operator, and the operator's account; only bots on X have one."""

import pytest

from bots.checklist import checklist_for, open_items, save_checklist

pytestmark = pytest.mark.django_db


def test_a_bot_on_x_starts_with_everything_to_do(bot):
    assert [item.done for item in checklist_for(bot)] == [False, False, False]


def test_the_bio_must_say_bot_and_name_the_operator(bot, owner):
    save_checklist(bot, by=owner, label_set=True, operator_handle="@holmes_fan")
    bot.bio = "Quotes from the Strand, by @holmes_fan."
    assert [item.label for item in open_items(bot)] == ["The bio says it is a bot, and who runs it"]

    bot.bio = "An automated account run by @Holmes_Fan."
    assert open_items(bot) == []
    assert bot.automated_label_confirmed_by == owner


def test_unticking_the_label_takes_back_the_confirmation(bot, owner):
    save_checklist(bot, by=owner, label_set=True, operator_handle="")
    save_checklist(bot, by=owner, label_set=False, operator_handle="")

    bot.refresh_from_db()
    assert bot.automated_label_confirmed_at is None
