"""Bluesky's rule for a handle: a domain name (alice.bsky.social), as the AT Protocol's
handle syntax has it, without @."""

from atproto_client.models.string_formats import is_valid_handle as _is_handle

HANDLE_RULE = (
    "A Bluesky handle is a domain name such as alice.bsky.social (letters, digits and "
    "hyphens between dots), without @."
)


def is_valid_handle(handle: str) -> bool:
    return len(handle) <= 253 and _is_handle(handle)
