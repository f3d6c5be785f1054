"""The sandbox's forms: choosing or creating the account a person authorizes an app for."""

from django import forms

from platforms.x.handles import HANDLE_RULE, is_valid_handle
from xsandbox.models import Account

HANDLE_TAKEN = "That handle is taken in the sandbox."


class AuthorizeForm(forms.Form):
    """An account among those the person may see, or the handle of a new one. A handle
    someone else's account has is refused without saying whose it is."""

    oauth_token = forms.CharField(widget=forms.HiddenInput)
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        required=False,
        to_field_name="handle",
        widget=forms.RadioSelect,
        empty_label="A new account",
        blank=True,
        label="Sandbox account",
    )
    new_handle = forms.CharField(required=False, max_length=16, label="New account handle")

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.accounts = accounts

    def clean_new_handle(self):
        return self.cleaned_data["new_handle"].strip().lstrip("@")

    def clean(self):
        cleaned = super().clean()
        handle = cleaned.get("new_handle", "")
        if cleaned.get("account") or "account" in self.errors:
            return cleaned
        if not handle:
            raise forms.ValidationError("Choose an account, or give a handle for a new one.")
        if not is_valid_handle(handle):
            self.add_error("new_handle", HANDLE_RULE)
            return cleaned
        existing = Account.objects.filter(handle__iexact=handle).first()
        if existing is None:
            return cleaned
        if self.accounts.filter(pk=existing.pk).exists():
            cleaned["account"] = existing  # the person's own: as good as choosing it
        else:
            self.add_error("new_handle", HANDLE_TAKEN)
        return cleaned
