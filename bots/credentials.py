"""A bot's credentials: X's four OAuth 1.0a secrets, Mastodon's access token, Bluesky's app
password; kept encrypted at rest by platforms.encryption (whose names are re-exported here
for the bots app's callers). Which of them a bot needs is its platform's
(platforms.credential_names)."""

from dataclasses import dataclass, fields

from platforms.encryption import CredentialsUnreadable, decrypt, encrypt, rotate

__all__ = [
    "CREDENTIAL_NAMES",
    "Credentials",
    "CredentialsUnreadable",
    "decrypt",
    "encrypt",
    "rotate",
]


@dataclass(frozen=True, repr=False)
class Credentials:
    """A bot's secrets, decrypted; its repr never shows them."""

    consumer_key: str = ""
    consumer_secret: str = ""
    access_token: str = ""
    access_token_secret: str = ""
    app_password: str = ""

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{field.name}={'set' if getattr(self, field.name) else 'missing'}"
            for field in fields(self)
        )
        return f"Credentials({shown})"

    __str__ = __repr__


CREDENTIAL_NAMES = tuple(field.name for field in fields(Credentials))
