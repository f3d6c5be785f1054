"""Forms for bots. Credentials are write-only: a blank field keeps the saved value."""

from django import forms

from bots.credentials import CREDENTIAL_NAMES
from bots.gallery import read_upload
from bots.images import ImageRejected
from bots.models import Bot, BotImage

CREDENTIAL_LABELS = {
    "consumer_key": "API key (consumer key)",
    "consumer_secret": "API key secret (consumer secret)",
    "access_token": "Access token",
    "access_token_secret": "Access token secret",
}


def credential_field(name):
    return forms.CharField(
        label=CREDENTIAL_LABELS[name],
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class CredentialsFormMixin(forms.Form):
    """Four password inputs that never render a value; the help text says if one is saved."""

    consumer_key = credential_field("consumer_key")
    consumer_secret = credential_field("consumer_secret")
    access_token = credential_field("access_token")
    access_token_secret = credential_field("access_token_secret")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        status = instance.credential_status() if instance and instance.pk else {}
        for name in CREDENTIAL_NAMES:
            self.fields[name].help_text = (
                "Saved. Leave blank to keep it; type to replace it."
                if status.get(name)
                else "Not set."
            )

    def credential_values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in CREDENTIAL_NAMES}

    def credential_fields(self) -> list:
        return [self[name] for name in CREDENTIAL_NAMES]

    def other_fields(self) -> list:
        return [field for field in self if field.name not in CREDENTIAL_NAMES]


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
        ]

    def clean_handle(self):
        return self.cleaned_data["handle"].lstrip("@")


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
    images = MultipleFileField(label="Images")


class AltTextForm(forms.Form):
    alt_text = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
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
