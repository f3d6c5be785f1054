"""Forms for bots. Credentials are write-only: a blank field keeps the saved value."""

from django import forms

from bots.credentials import CREDENTIAL_NAMES
from bots.models import Bot

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


class BotAdminForm(CredentialsFormMixin, forms.ModelForm):
    class Meta:
        model = Bot
        fields = [
            "name",
            "handle",
            "platform",
            "is_active",
            "posting_mode",
            "daily_post_cap",
            "owners",
        ]

    def clean_handle(self):
        return self.cleaned_data["handle"].lstrip("@")

    def save(self, commit=True):
        self.instance.set_credentials(**self.credential_values())
        return super().save(commit=commit)


class BotSettingsForm(CredentialsFormMixin, forms.ModelForm):
    """The bot page's settings: what an owner may change, credentials write-only."""

    class Meta:
        model = Bot
        fields = ["handle", "platform", "posting_mode", "daily_post_cap"]

    def clean_handle(self):
        return self.cleaned_data["handle"].lstrip("@")

    def save(self, commit=True):
        self.instance.set_credentials(**self.credential_values())
        return super().save(commit=commit)
