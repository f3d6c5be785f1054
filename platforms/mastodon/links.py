"""Links to posts on Mastodon as the bot's own server shows them: https://host/@user/ID, a
remote account's post there (https://host/@user@remote/ID), https://host/users/user/statuses/ID,
or the bare id. A post's id is its server's own, so a link on another server names an id the
bot's server does not know: refused, with what to paste instead."""

import re
from urllib.parse import urlsplit

from platforms.post_links import NotAPostLink, host_of, path_under

BARE_ID = re.compile(r"\d{1,20}")
USER = r"[A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?"
POST_PATH = re.compile(
    rf"(?:/web)?/@{USER}/(\d{{1,20}})/?|/users/[A-Za-z0-9_]+/statuses/(\d{{1,20}})/?"
)


def example(root: str) -> str:
    return f"{root.rstrip('/')}/@user/123…"


def post_id(link: str, *, roots: tuple[str, ...], base_url: str, label: str) -> str:
    """The id of the post on the bot's server that `link` names; NotAPostLink otherwise."""
    text = link.strip()
    if BARE_ID.fullmatch(text):
        return text
    path = path_under(text, roots)
    found = POST_PATH.fullmatch(path) if path is not None else None
    if found is not None:
        return found.group(1) or found.group(2)
    home = urlsplit(roots[0]).netloc
    parts = urlsplit(text)
    if path is None and host_of(text) and POST_PATH.fullmatch(parts.path.rstrip("/") or "/"):
        raise NotAPostLink(
            f"That post is on {parts.netloc}, but the bot is on {home}, which numbers posts "
            f"its own way: search for the link on {home} and paste the link it shows there."
        )
    raise NotAPostLink(
        f"That is not a link to a post on {label}: paste the post's link as {home} shows it "
        f"({example(roots[0])}) or its id."
    )
