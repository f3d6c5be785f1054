"""Choosing one bot among many: a text input for its name with a short list of suggestions,
so that a page for a person with a thousand bots does not carry a thousand options. Without
JavaScript the browser offers the suggestions (all of a handful of bots); with htmx, typing
asks for the bots whose names match."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.template.loader import render_to_string
from django.utils.html import format_html

from bots.models import Bot

SUGGESTIONS = 20


def suggest_bots(bots, text: str = "") -> list[Bot]:
    """At most SUGGESTIONS of `bots`, by name, those whose name contains `text` if given."""
    if text.strip():
        bots = bots.filter(name__icontains=text.strip())
    return list(bots.order_by("name").only("name", "handle")[:SUGGESTIONS])


class BotPickerInput(forms.TextInput):
    """The bot's name, with a <datalist> of suggestions from the field's bots; `search_url`
    answers the suggestions for what is typed (bots/includes/bot_suggestions.html)."""

    def __init__(self, *, search_url="", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        if self.search_url:
            attrs.update(
                {
                    "hx-get": str(self.search_url),
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{list_id}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        suggestions = render_to_string(
            "bots/includes/bot_suggestions.html", {"bots": suggest_bots(self.choices.queryset)}
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            suggestions,
        )


class BotPickerField(forms.ModelChoiceField):
    """One of `queryset`'s bots by its name (as typed or picked, any case), or by its id (as
    links from other pages give it). The form shows the chosen bot by name."""

    default_error_messages = {"invalid_choice": "None of your bots is called “%(value)s”."}

    def __init__(self, queryset=None, *, search_url="", placeholder="", **kwargs):
        attrs = {"placeholder": placeholder} if placeholder else None
        kwargs.setdefault("widget", BotPickerInput(search_url=search_url, attrs=attrs))
        super().__init__(queryset if queryset is not None else Bot.objects.none(), **kwargs)
        self.chosen = None

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        ProhibitNullCharactersValidator()(value)  # PostgreSQL's text cannot hold one
        found = self.queryset.filter(name__iexact=value).first()
        if found is None and value.isdecimal() and len(value) < 19:
            found = self.queryset.filter(pk=int(value)).first()
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        self.chosen = found
        return found

    def bound_data(self, data, initial):
        return self.chosen or data

    def prepare_value(self, value):
        return value.name if isinstance(value, Bot) else value
