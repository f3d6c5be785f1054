"""A bot's credentials: the four OAuth 1.0a secrets, kept encrypted at rest by
platforms.encryption (whose names are re-exported here for the bots app's callers)."""

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
    """A bot's four OAuth 1.0a secrets, decrypted; its repr never shows them."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{field.name}={'set' if getattr(self, field.name) else 'missing'}"
            for field in fields(self)
        )
        return f"Credentials({shown})"

    __str__ = __repr__

    def is_complete(self) -> bool:
        return all(getattr(self, field.name) for field in fields(self))


CREDENTIAL_NAMES = tuple(field.name for field in fields(Credentials))
