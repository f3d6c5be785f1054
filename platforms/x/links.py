"""Links to posts on X as people paste them: x.com/handle/status/N (twitter.com, mobile and
www too, /i/web/status/N, a photo's or video's link), the sandbox's /status/N/ page, or the
bare number; the id is the post's (a 64-bit number: at most 19 digits). Another network's
link (a Mastodon server's /users/u/statuses/N) is refused."""

import re

from platforms.post_links import NotAPostLink, path_under

# The hosts X has served its posts at, beside its web root's own.
ALIASES = (
    "x.com",
    "twitter.com",
    "www.x.com",
    "www.twitter.com",
    "mobile.x.com",
    "mobile.twitter.com",
)
BARE_ID = re.compile(r"\d{1,19}")
POST_PATH = re.compile(r"(?:/[A-Za-z0-9_]{1,15}|/i/web|/i)?/status(?:es)?/(\d{1,19})(?:/.*)?/?")


def example(root: str) -> str:
    return f"{root.rstrip('/')}/handle/status/123…"


def post_id(link: str, *, roots: tuple[str, ...], base_url: str, label: str) -> str:
    """The id of the post on X (or the sandbox) that `link` names; NotAPostLink otherwise."""
    text = link.strip()
    if BARE_ID.fullmatch(text):
        return text
    # The sandbox stands in for X, so X's own links are taken there too.
    known = roots + tuple(f"https://{host}" for host in ALIASES)
    path = path_under(text, known)
    found = POST_PATH.fullmatch(path) if path is not None else None
    if found is None:
        raise NotAPostLink(
            f"That is not a link to a post on {label}: paste the post's link "
            f"({example(roots[0])}) or its number."
        )
    return found.group(1)
