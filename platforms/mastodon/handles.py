"""Mastodon's rule for a handle: the account's name, @, and its instance's domain."""

import re

HANDLE_RULE = (
    "A Mastodon handle is the account's name, @ and its server: user@mastodon.social, "
    "without the leading @."
)

_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,30}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def is_valid_handle(handle: str) -> bool:
    return bool(_HANDLE.fullmatch(handle)) and ".." not in handle
