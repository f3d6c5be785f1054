"""The bot picker: a person finds one of their bots by name among many, the page carries a
short list of suggestions rather than every bot, and typing asks for the ones that match."""

import re

import pytest
from django import forms
from django.urls import reverse

from bots.models import Bot
from bots.picker import SUGGESTIONS, BotPickerField
from tests.factories import make_bot, make_user

pytestmark = pytest.mark.django_db


class PickerForm(forms.Form):
    bot = BotPickerField(required=False, search_url="/suggest/", placeholder="Any bot")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = Bot.objects.visible_to(user)


def test_it_finds_a_bot_by_its_name_in_any_case_or_by_its_id(owner):
    bot = make_bot(name="Baker Street", owners=[owner])
    for value in ("Baker Street", "baker street", " BAKER STREET ", str(bot.pk)):
        form = PickerForm({"bot": value}, user=owner)
        assert form.is_valid(), value
        assert form.cleaned_data["bot"] == bot


def test_it_refuses_a_bot_that_is_not_the_persons_and_says_so(owner):
    stranger = make_bot(name="Moriarty", owners=[make_user()])
    for value in ("Moriarty", str(stranger.pk), "9" * 40, "\x00", "²"):
        form = PickerForm({"bot": value}, user=owner)
        assert not form.is_valid(), value
    assert form.errors["bot"] == ["None of your bots is called “²”."]


def test_an_empty_picker_means_any_bot(owner):
    form = PickerForm({"bot": ""}, user=owner)
    assert form.is_valid() and form.cleaned_data["bot"] is None


def test_it_shows_the_chosen_bot_by_name_even_when_a_link_gave_its_id(owner):
    bot = make_bot(name="Baker Street", owners=[owner])
    form = PickerForm({"bot": str(bot.pk)}, user=owner)
    assert form.is_valid()
    assert 'value="Baker Street"' in str(form["bot"])


def test_it_renders_a_labelled_input_with_a_short_list_of_suggestions(owner):
    for n in range(SUGGESTIONS + 15):
        make_bot(name=f"Bot {n:03}", owners=[owner])
    html = str(PickerForm(user=owner)["bot"])
    assert re.search(r'<input type="text" name="bot"[^>]*list="id_bot-suggestions"', html)
    assert 'placeholder="Any bot"' in html and 'hx-get="/suggest/"' in html
    assert html.count("<option") == SUGGESTIONS
    assert '<option value="Bot 000">' in html


def test_a_handful_of_bots_are_all_suggested_without_javascript(owner):
    names = ["Baker Street", "Reichenbach", "Moor"]
    for name in names:
        make_bot(name=name, owners=[owner])
    html = str(PickerForm(user=owner)["bot"])
    assert all(f'<option value="{name}">' in html for name in names)


def test_typing_asks_for_the_persons_bots_whose_names_match(client, owner):
    make_bot(name="Baker Street", owners=[owner])
    make_bot(name="Reichenbach", owners=[owner])
    make_bot(name="Baker's dozen", owners=[make_user()])
    client.force_login(owner)
    html = client.get(reverse("bots:suggestions"), {"bot": "bAKer"}).content.decode()
    assert html.count("<option") == 1 and 'value="Baker Street"' in html
