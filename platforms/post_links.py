"""What every network's link parser shares (platforms.x.links, platforms.mastodon.links,
platforms.bluesky.links): the refusal that tells a person what to paste instead, and where a
link is under one of a bot's web roots."""

from urllib.parse import urlsplit


class NotAPostLink(ValueError):
    """The text is no link to a post the bot can answer; the message says what to paste."""


def path_under(link: str, roots: tuple[str, ...]) -> str | None:
    """The path of `link` below the first of `roots` it is under (http or https alike, the
    host in any case), without its query or fragment; None when it is under none of them."""
    parts = urlsplit(link.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    for root in roots:
        base = urlsplit(root)
        same_host = (parts.hostname, parts.port) == (base.hostname, base.port)
        prefix = base.path.rstrip("/")
        if same_host and (parts.path == prefix or parts.path.startswith(prefix + "/")):
            return parts.path[len(prefix) :] or "/"
    return None


def host_of(link: str) -> str:
    """The host a link names ('' for none), for a refusal that says where the post is."""
    parts = urlsplit(link.strip())
    return parts.hostname or "" if parts.scheme.lower() in ("http", "https") else ""
