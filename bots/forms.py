"""Forms for bots. Credentials are write-only: a blank field keeps the saved value
(bots.credential_forms)."""

import calendar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from bots.credential_forms import CredentialsFormMixin, credential_field
from bots.gallery import read_upload
from bots.images import ImageRejected
from bots.models import Bot, BotImage, Schedule, SiteBudget, XApp
from bots.schedule import parse_time_of_day
from bots.words import parse_blocked_words
from platforms import X_CREDENTIALS, label_of, platforms_on
from platforms.x.rules import MAX_ALT_TEXT


class AutoImageShareMixin:
    """The share of drafts given an image may be left out of a form: the saved value stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "auto_image_percent" in self.fields:
            self.fields["auto_image_percent"].required = False

    def clean_auto_image_percent(self):
        value = self.cleaned_data["auto_image_percent"]
        return self.instance.auto_image_percent if value is None else value


class BotAdminForm(AutoImageShareMixin, CredentialsFormMixin, forms.ModelForm):
    class Meta:
        model = Bot
        fields = [
            "name",
            "handle",
            "platform",
            "is_active",
            "posting_mode",
            "daily_post_cap",
            "monthly_budget_usd",
            "draft_max_age_hours",
            "owners",
        ]

    def clean_handle(self):
        return self.cleaned_data["handle"].lstrip("@")


class BotSettingsForm(AutoImageShareMixin, CredentialsFormMixin, forms.ModelForm):
    """The bot page's settings: what an owner may change, credentials write-only."""

    blocked_words_text = forms.CharField(
        max_length=2000,
        required=False,
        label="Blocked words",
        help_text="Comma-separated words or phrases: a generated draft holding one is thrown "
        "away (wordfilter's list of slurs is always blocked too).",
    )

    class Meta:
        model = Bot
        fields = [
            "handle",
            "platform",
            "posting_mode",
            "daily_post_cap",
            "monthly_budget_usd",
            "draft_max_age_hours",
            "auto_image_percent",
            "clean_generated_text",
            "link_policy",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The bot page shows the keys in a section of their own, sent with this form.
        for name in self.credential_names:
            self.fields[name].widget.attrs["form"] = "settings-form"
        self.initial.setdefault("blocked_words_text", ", ".join(self.instance.blocked_words))
        self.fields["monthly_budget_usd"].help_text = (
            f"Most to spend on {label_of(self.instance.platform)} in a calendar month (UTC): "
            "posts, replies, alt text and reads; blank for no budget."
        )
        self.fields["link_policy"].required = False

    def clean_link_policy(self):
        # Left out of a request: the bot keeps its choice.
        return self.cleaned_data["link_policy"] or self.instance.link_policy

    def clean_handle(self):
        return self.cleaned_data["handle"].lstrip("@")

    def clean_blocked_words_text(self):
        words = parse_blocked_words(self.cleaned_data["blocked_words_text"])
        self.instance.blocked_words = words
        return words


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of files, each unchecked: bots.images decides, with its own messages, whether
    each one (even an empty one) is an image."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [upload for upload in (data or []) if upload is not None]
        if not files:
            raise forms.ValidationError("Choose at least one image.")
        return files


class GalleryUploadForm(forms.Form):
    """The files of one upload: refused whole when the request was over the size limit
    (corpora.uploads stopped it before it was stored), and only the first
    GALLERY_MAX_FILES_PER_UPLOAD of them kept; `left_out` names the rest."""

    images = MultipleFileField(label="Images")

    def __init__(self, *args, over_limit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.over_limit = over_limit
        self.left_out = []

    def clean(self):
        if self.over_limit:
            self.errors.pop("images", None)
            size = f"{settings.GALLERY_MAX_UPLOAD_BYTES / 1048576:.1f} MB"
            self.add_error(
                "images", f"That is too much at once: send at most {size} in one upload."
            )
        return super().clean()

    def clean_images(self):
        images = self.cleaned_data["images"]
        keep = settings.GALLERY_MAX_FILES_PER_UPLOAD
        self.left_out = [upload.name for upload in images[keep:]]
        return images[:keep]

    def left_out_message(self) -> str:
        keep = settings.GALLERY_MAX_FILES_PER_UPLOAD
        return (
            f"An upload adds at most {keep} images; left out {', '.join(self.left_out)}: "
            "choose them again."
        )


class AltTextForm(forms.Form):
    # The form knows no bot: X's limit bounds the field (the sandbox's is X's), and
    # bots.gallery.set_alt_text checks the bot's own network.
    alt_text = forms.CharField(
        max_length=MAX_ALT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BotImageAdminForm(forms.ModelForm):
    """Admin uploads go through the same checks as the gallery page (bots.images)."""

    upload = forms.FileField(required=False, label="Image file")

    class Meta:
        model = BotImage
        fields = ["bot", "alt_text"]

    def clean(self):
        cleaned = super().clean()
        self.processed = None
        upload = cleaned.get("upload")
        if self.instance.pk or not cleaned.get("bot"):
            return cleaned
        if not upload:
            raise forms.ValidationError("Choose an image file.")
        try:
            self.processed = read_upload(upload)
        except ImageRejected as error:
            raise forms.ValidationError(str(error)) from None
        if BotImage.objects.filter(bot=cleaned["bot"], sha256=self.processed.sha256).exists():
            raise forms.ValidationError("That image is already in this bot's gallery.")
        return cleaned


WEEKDAY_CHOICES = [(n, name) for n, name in enumerate(calendar.day_abbr)]


# 22:00, as people write a time of day, never 22:00:00.
TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class ScheduleForm(forms.Form):
    """A bot's schedule as the bot page edits it; bots.schedule.save_schedule applies it."""

    UNITS = {"minutes": 1, "hours": 60}

    enabled = forms.BooleanField(required=False, label="Post on a schedule")
    kind = forms.ChoiceField(choices=Schedule.Kind.choices, label="When")
    every = forms.IntegerField(min_value=1, max_value=10080, initial=4, label="Every")
    unit = forms.ChoiceField(choices=[("minutes",) * 2, ("hours",) * 2], initial="hours")
    times_of_day = forms.CharField(
        required=False,
        max_length=300,
        label="Times of day",
        help_text="Comma-separated, 24-hour clock: 09:00, 13:30, 19:45.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="On",
    )
    time_zone = forms.CharField(max_length=64, initial="UTC", help_text="E.g. Europe/Paris.")
    jitter_minutes = forms.IntegerField(
        min_value=0, max_value=720, initial=0, label="Jitter (minutes)"
    )
    quiet_start = forms.TimeField(required=False, label="Quiet from", widget=TIME_INPUT)
    quiet_end = forms.TimeField(required=False, label="Quiet until", widget=TIME_INPUT)
    # Shown only for one kind of schedule (the bot page hides the others with CSS).
    INTERVAL_FIELDS = ("every", "unit", "jitter_minutes")
    TIMES_FIELDS = ("times_of_day", "weekdays")

    @classmethod
    def for_schedule(cls, schedule: Schedule | None) -> "ScheduleForm":
        if schedule is None:
            return cls(initial={"weekdays": list(range(7)), "enabled": True})
        minutes = schedule.every_minutes
        in_hours = minutes % 60 == 0
        return cls(
            initial={
                "enabled": schedule.enabled,
                "kind": schedule.kind,
                "every": minutes // 60 if in_hours else minutes,
                "unit": "hours" if in_hours else "minutes",
                "times_of_day": ", ".join(schedule.times_of_day),
                "weekdays": schedule.weekdays,
                "time_zone": schedule.time_zone,
                "jitter_minutes": schedule.jitter_minutes,
                "quiet_start": schedule.quiet_start,
                "quiet_end": schedule.quiet_end,
            }
        )

    def interval_fields(self) -> list:
        return [self[name] for name in self.INTERVAL_FIELDS]

    def times_fields(self) -> list:
        return [self[name] for name in self.TIMES_FIELDS]

    def common_fields(self) -> list:
        apart = {"enabled", "kind", *self.INTERVAL_FIELDS, *self.TIMES_FIELDS}
        return [field for field in self if field.name not in apart]

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise forms.ValidationError(
                f"“{name}” is not a time zone name; use one like Europe/Paris or UTC."
            ) from None
        return name

    def clean_times_of_day(self):
        values = [value for value in self.cleaned_data["times_of_day"].split(",") if value.strip()]
        try:
            times = sorted({parse_time_of_day(value) for value in values})
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return [f"{moment:%H:%M}" for moment in times]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Schedule.Kind.TIMES:
            if not cleaned.get("times_of_day") and "times_of_day" not in self.errors:
                self.add_error("times_of_day", "Give at least one time of day.")
            if not cleaned.get("weekdays"):
                self.add_error("weekdays", "Choose at least one day of the week.")
        every, unit = cleaned.get("every"), cleaned.get("unit")
        if every and unit:
            cleaned["every_minutes"] = every * self.UNITS[unit]
            if cleaned["every_minutes"] > 10080:
                self.add_error("every", "At most once a week (10080 minutes).")
        jitter = cleaned.get("jitter_minutes") or 0
        if kind == Schedule.Kind.INTERVAL and every and unit and jitter >= cleaned["every_minutes"]:
            self.add_error("jitter_minutes", "Jitter must be shorter than the interval.")
        if bool(cleaned.get("quiet_start")) != bool(cleaned.get("quiet_end")):
            self.add_error("quiet_end", "Give both ends of the quiet hours, or neither.")
        return cleaned

    def schedule_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "enabled": data["enabled"],
            "kind": data["kind"],
            "every_minutes": data["every_minutes"],
            "times_of_day": data["times_of_day"],
            "weekdays": sorted(data["weekdays"]) or list(range(7)),
            "time_zone": data["time_zone"],
            "jitter_minutes": data["jitter_minutes"],
            "quiet_start": data["quiet_start"],
            "quiet_end": data["quiet_end"],
        }


class XAppForm(forms.ModelForm):
    """An X developer app of the site: its keys write-only, like a bot's credentials."""

    consumer_key = credential_field("consumer_key")
    consumer_secret = credential_field("consumer_secret")
    # Not the model field: making an app the default unsets the former one (connecting.save_app),
    # which the model's one-default constraint would refuse to validate beforehand.
    default = forms.BooleanField(
        required=False, label="Default", help_text="The app new bots connect through."
    )

    class Meta:
        model = XApp
        fields = ["name", "platform"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = bool(self.instance.pk)
        self.fields["default"].initial = self.instance.is_default
        for name in ("consumer_key", "consumer_secret"):
            self.fields[name].required = not saved
            self.fields[name].help_text = (
                "Saved. Leave blank to keep it; type to replace it."
                if saved
                else "From the app's “Keys and tokens” page at X."
            )


class AppChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_platform_display()})"


class ConnectForm(forms.Form):
    """Which app to sign in through, and whether X can send the person back or shows a PIN."""

    app = AppChoiceField(queryset=XApp.objects.none(), empty_label=None, label="Sign in through")
    pin = forms.BooleanField(
        required=False,
        label="Use a PIN instead of coming back here",
        help_text="For a site X cannot send people back to (no public address, or the "
        "callback URL not registered): X shows a PIN to paste here.",
    )

    def __init__(self, *args, apps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["app"].queryset = apps
        self.fields["app"].initial = apps.first()


class PinForm(forms.Form):
    pin = forms.CharField(
        label="PIN from X", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def clean_pin(self):
        return self.cleaned_data["pin"].strip()


class KeysForm(CredentialsFormMixin, forms.Form):
    """A new bot from four keys typed by hand (the advanced way): the handle comes from X."""

    platform = forms.ChoiceField(
        choices=[choice for choice in Bot.Platform.choices if choice[0] in platforms_on("x")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in X_CREDENTIALS:
            self.fields[name].required = True
            self.fields[name].help_text = ""

    @staticmethod
    def typed_credentials(bot) -> tuple[str, ...]:
        return X_CREDENTIALS


class CoOwnerForm(forms.Form):
    username = forms.CharField(label="Share with (username)", max_length=150)

    def __init__(self, *args, bot, **kwargs):
        super().__init__(*args, **kwargs)
        self.bot = bot

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"No one here has the username “{username}”.")
        if self.bot.owners.filter(pk=user.pk).exists():
            raise forms.ValidationError(f"{username} already runs {self.bot.name}.")
        return user


class SiteBudgetForm(forms.ModelForm):
    class Meta:
        model = SiteBudget
        fields = ["monthly_budget_usd"]
