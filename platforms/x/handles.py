"""X's rule for a handle (screen name): 1 to 15 letters, digits or underscores, no @."""

import re

HANDLE_PATTERN = r"^[A-Za-z0-9_]{1,15}$"
HANDLE_RULE = "An X handle is 1 to 15 letters, digits or underscores, without @."

_HANDLE = re.compile(HANDLE_PATTERN)


def is_valid_handle(handle: str) -> bool:
    return bool(_HANDLE.fullmatch(handle))


# An @handle as twitter-text finds one: @ or its full-width form, not right after a letter,
# digit, underscore or another @, and not running on into more handle characters.
_MENTION = re.compile(
    r"(?<![A-Za-z0-9_@\uff20!#$%&*])[@\uff20]([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@\uff20])"
)


def mentioned_handles(text: str) -> list[str]:
    """The handles `text` @-mentions, lower case, in order, each once."""
    return list(dict.fromkeys(handle.lower() for handle in _MENTION.findall(text)))


def neutralise_handles(text: str) -> str:
    """`text` with each @handle's @ dropped, so it names the account without mentioning it."""
    return _MENTION.sub(lambda match: match.group(1), text)
