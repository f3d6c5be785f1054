"""The forms of a bot group's pages (bots.groups saves what they validate): its name and
budget, and one bot to add, picked by name among the person's bots (bots.picker), so a
group page never lists a thousand bots to tick."""

from django import forms
from django.urls import reverse_lazy

from bots.models import Bot, BotGroup
from bots.picker import BotPickerField


class GroupForm(forms.Form):
    name = forms.CharField(max_length=80)
    monthly_budget_usd = BotGroup._meta.get_field("monthly_budget_usd").formfield()

    def __init__(self, *args, user, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.group = user, group

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        mine = BotGroup.objects.filter(created_by=self.user, name__iexact=name)
        if self.group is not None:
            mine = mine.exclude(pk=self.group.pk)
        if mine.exists():
            raise forms.ValidationError(f"You already have a group named “{name}”.")
        return name


class GroupBotForm(forms.Form):
    """One of the person's bots, by name as typed or picked (or by id)."""

    bot = BotPickerField(
        label="Add a bot",
        search_url=reverse_lazy("bots:suggestions"),
        placeholder="A bot's name",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = Bot.objects.visible_to(user)


class GroupGenerateForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=20, initial=3, label="Drafts per bot")
    seed = forms.CharField(max_length=100, required=False, label="Seed word")
