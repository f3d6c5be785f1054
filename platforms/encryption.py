"""Encryption of network credentials at rest: MultiFernet over settings.CREDENTIALS_KEYS,
newest key first. Bots keep their tokens with it (bots.credentials), and so do the sandbox's
accounts their app secrets (xsandbox.models).

Unlike the usual encrypted-field packages, a value that does not decrypt raises: a token
that did not decrypt is never sent to X, and never re-saved as if it were plaintext.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialsUnreadable(Exception):
    """A stored credential does not decrypt with any configured key."""


def _fernet() -> MultiFernet:
    keys = settings.CREDENTIALS_KEYS
    if not keys:
        raise ImproperlyConfigured("CREDENTIALS_KEYS is empty: no key to encrypt credentials.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma separated, newest first."
        ) from error


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise CredentialsUnreadable(
            "A stored credential does not decrypt with any key in CREDENTIALS_KEYS: "
            "restore the key it was saved under, or enter the credentials again."
        ) from error


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (it must decrypt under one of them)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise CredentialsUnreadable(
            "A stored credential does not decrypt with any key in CREDENTIALS_KEYS."
        ) from error
