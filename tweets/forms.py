"""Forms for the review queue and a bot's history: validation only."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst

from bots.models import BotImage
from bots.picker import BotPickerField
from bots.zones import zone_of
from platforms import label_of, post_id_from_link, post_link_example, rules_for
from platforms.base import PlatformError
from platforms.post_links import NotAPostLink
from tweets.models import Tweet
from tweets.services import InvalidText, validate_text

# The most characters a tweet's text may be sent with: far past any network's limit, so that a
# longer one is refused before anything counts it.
MAX_TEXT_LENGTH = 2000


class TweetTextForm(forms.Form):
    """A tweet's new text, by its bot's network's rules."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), strip=True, max_length=MAX_TEXT_LENGTH
    )

    def __init__(self, *args, bot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bot = bot

    def clean_text(self):
        try:
            return validate_text(self.cleaned_data["text"], bot=self.bot)
        except InvalidText as error:
            raise forms.ValidationError(str(error)) from None


class PostLinkForm(forms.Form):
    """The post a person found on the bot's network: its link as that network shows it, or
    its id (platforms.post_id_from_link)."""

    link = forms.CharField(max_length=300, strip=True)

    def __init__(self, *args, bot, **kwargs):
        super().__init__(*args, **kwargs)
        self.bot = bot
        self.fields["link"].label = f"Link to the post on {label_of(bot.platform)}"

    def clean_link(self):
        return post_id_of(self.bot, self.cleaned_data["link"])


def post_id_of(bot, link: str) -> str:
    """The id of the post on `bot`'s network that `link` names, or a ValidationError that
    says what to paste instead (another network's link, another server's, a handle no one
    has)."""
    try:
        return post_id_from_link(bot, link)
    except NotAPostLink as error:
        raise forms.ValidationError(str(error)) from None
    except PlatformError as error:
        raise forms.ValidationError(
            f"{capfirst(label_of(bot.platform))} could not be asked about that link just "
            f"now ({error.reason.rstrip('.')}). Try again soon."
        ) from None


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time read on a given clock (the bot's, bots.zones), not the site's: 18:30
    in Europe/Paris is 17:30 UTC in winter. A time the clock skips or repeats (DST) is
    refused with a message naming the zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def __init__(self, *, zone: ZoneInfo | None = None, **kwargs):
        kwargs.setdefault("input_formats", self.input_formats)
        super().__init__(**kwargs)
        self.zone = zone

    def to_python(self, value):
        with timezone.override(self.zone or timezone.get_current_timezone()):
            return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value) and self.zone:
            return value.astimezone(self.zone)
        return super().prepare_value(value)


class ZonedTimeForm(forms.Form):
    """A form with a time `at` for one bot, read in `zone`, in the future."""

    at = ZonedDateTimeField(
        label="Post at",
        error_messages={"required": "Choose a date and time to approve it for."},
    )

    def __init__(self, *args, zone: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].zone = zone

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at < timezone.now() - timezone.timedelta(minutes=1):
            raise forms.ValidationError("That time has passed: choose a time in the future.")
        return at


class ApproveAtForm(ZonedTimeForm):
    """'Approve for then' on a review card, in the bot's time zone."""


class RescheduleForm(ZonedTimeForm):
    """A queued tweet's new time on the calendar, in the bot's time zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].label = "Move to"
        self.fields["at"].error_messages["required"] = "Choose the new date and time."


class ComposeForm(forms.Form):
    """A post written by hand for one bot: its text by the bot's network's rules, gallery
    images, the post it answers, and what to do with it."""

    ACTIONS = [
        ("queue", "Add to the review queue"),
        ("approve", "Approve now"),
        ("approve_at", "Approve for a time"),
    ]

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), strip=True, max_length=MAX_TEXT_LENGTH
    )
    images = forms.ModelMultipleChoiceField(queryset=BotImage.objects.none(), required=False)
    reply_to = forms.CharField(label="In reply to (optional)", required=False, max_length=300)
    at = ZonedDateTimeField(label="Post at", required=False)
    action = forms.ChoiceField(choices=ACTIONS)

    def __init__(self, *args, bot, **kwargs):
        super().__init__(*args, **kwargs)
        self.bot = bot
        self.rules = rules_for(bot)
        self.fields["images"].queryset = bot.images.in_gallery()
        self.fields["at"].zone = zone_of(bot)
        example = post_link_example(bot)
        self.fields[
            "reply_to"
        ].help_text = f"The link of a post on {label_of(bot.platform)} ({example}) or its id."
        self.fields["reply_to"].widget.attrs["placeholder"] = example

    def clean_text(self):
        try:
            return validate_text(self.cleaned_data["text"], bot=self.bot)
        except InvalidText as error:
            raise forms.ValidationError(str(error)) from None

    def clean_images(self):
        images = list(self.cleaned_data["images"])
        if len(images) > self.rules.max_images:
            raise forms.ValidationError(f"A post carries at most {self.rules.max_images} images.")
        return images

    def clean_reply_to(self):
        value = self.cleaned_data["reply_to"]
        return post_id_of(self.bot, value) if value else ""

    def clean(self):
        cleaned = super().clean()
        at = cleaned.get("at")
        if cleaned.get("action") == "approve_at":
            if at is None and not self.has_error("at"):
                self.add_error("at", "Choose a date and time to approve it for.")
            elif at is not None and at < timezone.now() - timezone.timedelta(minutes=1):
                self.add_error("at", "That time has passed: choose a time in the future.")
        else:
            cleaned["at"] = None
        return cleaned


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


class ComposeBotForm(forms.Form):
    """Which of `bots` the composer writes for (its rules, gallery and clock follow)."""

    bot = BotPickerField(search_url=reverse_lazy("bots:suggestions"), placeholder="Bot's name")

    def __init__(self, *args, bots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = bots


class CalendarForm(forms.Form):
    """The calendar's view (a week or a month), its first day, and one of `bots`."""

    view = forms.ChoiceField(choices=[("week", "Week"), ("month", "Month")], required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bot = BotPickerField(
        required=False, search_url=reverse_lazy("bots:suggestions"), placeholder="All my bots"
    )

    def __init__(self, *args, bots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = bots

    def value(self, name, default):
        """The cleaned value of `name`, or `default` when it is missing or refused."""
        return self.cleaned_data.get(name) or default


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
    """The admin's tweet form: text is checked by its bot's network's rules before edit_tweet
    saves it."""

    text = forms.CharField(widget=forms.Textarea, max_length=MAX_TEXT_LENGTH)

    class Meta:
        model = Tweet
        fields = ["text"]  # the admin adds its own fields

    def clean_text(self):
        bot = self.instance.bot if self.instance.bot_id else None
        try:
            return validate_text(self.cleaned_data["text"], bot=bot)
        except InvalidText as error:
            raise forms.ValidationError(str(error)) from None
