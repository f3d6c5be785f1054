"""The activity page's filter: validation only."""

from django import forms

from bots.models import Bot, BotGroup
from dashboard.activity import SUBJECTS


class ActivityFilterForm(forms.Form):
    bot = forms.ModelChoiceField(queryset=Bot.objects.none(), required=False, empty_label="Any bot")
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
        self.fields["bot"].queryset = Bot.objects.visible_to(user).order_by("name")
        self.fields["group"].queryset = BotGroup.objects.visible_to(user)
        self.fields["subject"].choices = [("", "Anything"), *SUBJECTS]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned
