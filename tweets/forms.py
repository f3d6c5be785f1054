"""Forms for the review queue and a bot's history: validation only."""

import re

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from bots.picker import BotPickerField
from tweets.models import Tweet
from tweets.services import InvalidText, validate_text

# The most characters a tweet's text may be sent with: far past any network's limit, so that a
# longer one is refused before anything counts it.
MAX_TEXT_LENGTH = 2000


class TweetTextForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), strip=True, max_length=MAX_TEXT_LENGTH
    )

    def clean_text(self):
        try:
            return validate_text(self.cleaned_data["text"])
        except InvalidText as error:
            raise forms.ValidationError(str(error)) from None


class PostLinkForm(forms.Form):
    """The post a person found on X: its link (x.com/…/status/N, or the sandbox's) or id."""

    # X's post ids are 64-bit numbers: at most 19 digits.
    POST_ID = re.compile(r"(?:^|/status(?:es)?/)(\d{1,19})/?(?:[?#].*)?$")

    link = forms.CharField(label="Link to the post on X", max_length=300, strip=True)

    def clean_link(self):
        found = self.POST_ID.search(self.cleaned_data["link"])
        if found is None:
            raise forms.ValidationError(
                "Paste the post's link (https://x.com/handle/status/123…) or its number."
            )
        return found.group(1)


class ApproveAtForm(forms.Form):
    at = forms.DateTimeField(
        label="Post at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at < timezone.now() - timezone.timedelta(minutes=1):
            raise forms.ValidationError("That time has passed: choose a time in the future.")
        return at


class BulkForm(forms.Form):
    ACTIONS = [("approve", "Approve"), ("reject", "Reject")]

    action = forms.ChoiceField(choices=ACTIONS)
    tweets = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, tweet_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tweets"].choices = [(pk, pk) for pk in tweet_ids]
        self.fields["tweets"].error_messages["required"] = "Select at least one draft."


class GenerateForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=50, initial=5)
    seed = forms.CharField(label="Seed word", required=False, max_length=100, help_text="Optional.")

    def clean_seed(self):
        seed = self.cleaned_data["seed"].strip()
        if len(seed.split()) > 1:
            raise forms.ValidationError("A seed is one word.")
        return seed


class ReviewFilterForm(forms.Form):
    """The review queue's filter: one of `bots` by name, and the cursor of the next page."""

    bot = BotPickerField(
        required=False, search_url=reverse_lazy("bots:suggestions"), placeholder="All my bots"
    )
    # A tweet id: PostgreSQL's bigint holds at most 2**63 - 1.
    after = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, bots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = bots


class HistoryFilterForm(forms.Form):
    q = forms.CharField(label="Text", required=False, max_length=200)
    state = forms.ChoiceField(choices=[("", "Any state"), *Tweet.State.choices], required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


class TweetAdminForm(forms.ModelForm):
    """The admin's tweet form: text is checked by X's rules before edit_tweet saves it."""

    text = forms.CharField(widget=forms.Textarea, max_length=MAX_TEXT_LENGTH)

    class Meta:
        model = Tweet
        fields = ["text"]  # the admin adds its own fields

    def clean_text(self):
        try:
            return validate_text(self.cleaned_data["text"])
        except InvalidText as error:
            raise forms.ValidationError(str(error)) from None
