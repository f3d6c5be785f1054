"""The forms that connect a Mastodon or a Bluesky account (bots.mastodon_accounts,
bots.bluesky_accounts): validation only."""

from django import forms

from bots.models import Bot
from platforms import handle_error, platforms_on
from platforms.bluesky import signin as bluesky_signin


class MastodonConnectForm(forms.Form):
    """The Mastodon server a person's account is on (bots.mastodon_accounts reads it)."""

    server = forms.CharField(
        label="Mastodon server",
        max_length=200,
        help_text="Its address, such as mastodon.social.",
        widget=forms.TextInput(attrs={"placeholder": "mastodon.social", "autocomplete": "url"}),
    )


def app_password_field(**options) -> forms.CharField:
    return forms.CharField(
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=f"Made in Bluesky under {bluesky_signin.WHERE}. Never the main password.",
        **options,
    )


def clean_app_password(password: str) -> str:
    """An app password in Bluesky's shape, as Bluesky compares it; a ValidationError saying
    where to make one otherwise."""
    if not bluesky_signin.is_app_password(password):
        raise forms.ValidationError(bluesky_signin.SHAPE_RULE)
    return password.strip().lower()


class BlueskyConnectForm(forms.Form):
    platform = forms.ChoiceField(
        choices=[choice for choice in Bot.Platform.choices if choice[0] in platforms_on("bluesky")]
    )
    handle = forms.CharField(max_length=253, help_text="e.g. alice.bsky.social")
    app_password = app_password_field()
    server_url = forms.URLField(
        label="PDS", required=False, assume_scheme="https", help_text="Blank for bsky.social."
    )

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().removeprefix("@").lower()
        if error := handle_error(self.cleaned_data.get("platform") or "bluesky", handle):
            raise forms.ValidationError(error)
        return handle

    def clean_app_password(self):
        return clean_app_password(self.cleaned_data["app_password"])


class BlueskyReconnectForm(forms.Form):
    """A new app password for a Bluesky bot whose handle stays (bots.bluesky_accounts)."""

    app_password = app_password_field(label="New app password")

    def clean_app_password(self):
        return clean_app_password(self.cleaned_data["app_password"])
