"""Creating the Bluesky sandbox's accounts and their app passwords: what the demo data and
the tests call (a person connects with the handle and app password shown)."""

import secrets

from django.contrib.auth.hashers import make_password

from xsandbox.models import BlueskyAccount

HANDLE_SUFFIX = ".bsky.sandbox.test"
_LETTERS = "abcdefghijklmnopqrstuvwxyz234567"


def new_app_password() -> str:
    """An app password in Bluesky's shape: four groups of four, joined by hyphens."""
    return "-".join("".join(secrets.choice(_LETTERS) for _ in range(4)) for _ in range(4))


def ensure_account(handle: str, *, name: str = "") -> tuple[BlueskyAccount, str]:
    """The sandbox account with this handle (made if new), and a new app password for it:
    a PDS never shows an old one again, so each call gives a new one, which replaces the old."""
    password = new_app_password()
    account = BlueskyAccount.objects.filter(handle=handle.lower()).first()
    if account is None:
        account = BlueskyAccount.objects.create(
            handle=handle.lower(), display_name=name, app_password_hash=make_password(password)
        )
    else:
        # One hash is kept: the newest app password replaces the one before.
        account.app_password_hash = make_password(password)
        account.save(update_fields=["app_password_hash"])
    return account, password
