"""Forms of the dashboard app: the activity page's filter, and a group in the admin:
validation only."""

from django import forms
from django.urls import reverse_lazy

from bots.models import Bot, BotGroup
from bots.picker import BotPickerField
from dashboard.activity import SUBJECTS


class ActivityFilterForm(forms.Form):
    bot = BotPickerField(
        required=False, search_url=reverse_lazy("bots:suggestions"), placeholder="Any bot"
    )
    group = forms.ModelChoiceField(
        queryset=BotGroup.objects.none(), required=False, empty_label="Any group"
    )
    subject = forms.ChoiceField(required=False, label="About")
    person = forms.CharField(
        required=False, max_length=150, label="Who", help_text="A username, or schedule, worker…"
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tweet = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    corpus = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = Bot.objects.visible_to(user)
        self.fields["group"].queryset = BotGroup.objects.visible_to(user)
        self.fields["subject"].choices = [("", "Anything"), *SUBJECTS]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


class BotGroupAdminForm(forms.ModelForm):
    """A group in the admin: its name unique among its keeper's groups, its bots the keeper's
    own. The admin sets `user`, the staff member saving it."""

    user = None

    class Meta:
        model = BotGroup
        fields = ["name", "bots", "monthly_budget_usd", "created_by"]

    def keeper(self):
        if "created_by" in self.fields:
            return self.cleaned_data.get("created_by")
        return self.instance.created_by if self.instance.pk else self.user

    def clean(self):
        cleaned = super().clean()
        keeper, name = self.keeper(), (cleaned.get("name") or "").strip()
        cleaned["name"] = name
        taken = BotGroup.objects.filter(created_by=keeper, name__iexact=name)
        if keeper is not None and taken.exclude(pk=self.instance.pk).exists():
            self.add_error("name", f"{keeper} already has a group called “{name}”.")
        if keeper is not None:
            theirs = Bot.objects.visible_to(keeper)
            strangers = [bot.name for bot in cleaned.get("bots") or () if bot not in theirs]
            if strangers:
                self.add_error("bots", f"Not {keeper}'s bots: {', '.join(strangers)}.")
        return cleaned
