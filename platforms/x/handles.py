"""X's rule for a handle (screen name): 1 to 15 letters, digits or underscores, no @."""

import re

HANDLE_PATTERN = r"^[A-Za-z0-9_]{1,15}$"
HANDLE_RULE = "An X handle is 1 to 15 letters, digits or underscores, without @."

_HANDLE = re.compile(HANDLE_PATTERN)


def is_valid_handle(handle: str) -> bool:
    return bool(_HANDLE.fullmatch(handle))
