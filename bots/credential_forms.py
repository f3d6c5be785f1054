"""A bot's credentials in a form: one write-only input for each credential a person may type
for the bot's network (X's four keys, Bluesky's app password, none on Mastodon, whose token
comes from signing in), a blank one keeping the saved value."""

from django import forms

from bots.account_forms import clean_app_password
from bots.connecting import ConnectError, check_account
from platforms import X_CREDENTIALS, typed_credential_names

CREDENTIAL_LABELS = {
    "consumer_key": "API key (consumer key)",
    "consumer_secret": "API key secret (consumer secret)",
    "access_token": "Access token",
    "access_token_secret": "Access token secret",
    "app_password": "New app password",
}
# What a bot whose network is not chosen yet (the admin's new bot) may be given.
ANY_NETWORK = (*X_CREDENTIALS, "app_password")


def credential_field(name):
    return forms.CharField(
        label=CREDENTIAL_LABELS[name],
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class CredentialsFormMixin(forms.Form):
    """Password inputs that never render a value, for the credentials a person may type on
    the bot's network; the help text says if one is saved. A new Bluesky app password is
    signed in with before the form is valid (bots.connecting.check_account), and the new
    session put on the bot, unsaved, to be saved with it."""

    # Every network's, so that a form class (the admin's) may name any; each form keeps its
    # bot's network's own.
    consumer_key = credential_field("consumer_key")
    consumer_secret = credential_field("consumer_secret")
    access_token = credential_field("access_token")
    access_token_secret = credential_field("access_token_secret")
    app_password = credential_field("app_password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        saved = bool(instance and instance.pk)
        self.credential_names = self.typed_credentials(instance if saved else None)
        status = instance.credential_status() if saved else {}
        for name in ANY_NETWORK:
            if name not in self.credential_names:
                self.fields.pop(name, None)
        for name in self.credential_names:
            self.fields[name].help_text = (
                "Saved. Leave blank to keep it; type to replace it."
                if status.get(name)
                else "Not set."
            )
        if "app_password" in self.fields:
            self.fields["app_password"].help_text += (
                " Made in Bluesky under Settings → Privacy and security → App passwords; "
                "never the main password. Aviary signs in with it before saving it."
            )

    @staticmethod
    def typed_credentials(bot) -> tuple[str, ...]:
        """The credentials typed for `bot` (None: a new bot, on any network)."""
        return typed_credential_names(bot.platform) if bot else ANY_NETWORK

    def clean_app_password(self):
        password = self.cleaned_data["app_password"]
        if not password:
            return ""
        password = clean_app_password(password)
        bot = getattr(self, "instance", None)
        if bot is None or bot.pk is None:
            return password  # a new bot's credentials are checked once it is saved
        try:
            probe, _account = check_account(
                platform=bot.platform,
                credentials={"app_password": password},
                bot=bot,
                server_url=bot.server_url,
            )
        except ConnectError as error:
            raise forms.ValidationError(error.message) from None
        bot.encrypted_session = probe.encrypted_session
        return password

    def credential_values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.credential_names}

    def credential_fields(self) -> list:
        return [self[name] for name in self.credential_names]

    def other_fields(self) -> list:
        return [field for field in self if field.name not in ANY_NETWORK]
