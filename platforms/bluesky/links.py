"""Links to posts on Bluesky as people paste them: the app's page
(https://bsky.app/profile/<handle or DID>/post/<rkey>, or the sandbox's) or the post's AT URI
(at://<DID>/app.bsky.feed.post/<rkey>). A post's id is its AT URI, which names the author by
DID: a handle is resolved to one by com.atproto.identity.resolveHandle."""

import re

import httpx
from atproto_client import Client
from atproto_client import exceptions as atproto_errors
from atproto_client.request import Request
from django.conf import settings

from platforms.base import BadRequest
from platforms.bluesky.errors import error_for
from platforms.post_links import NotAPostLink, path_under

POST = "app.bsky.feed.post"
DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,2048}")
ACTOR = r"[A-Za-z0-9._:%-]{1,2048}"
# The record key syntax of the AT Protocol.
RKEY = r"[A-Za-z0-9._:~-]{1,512}"
PAGE_PATH = re.compile(rf"/profile/({ACTOR})/post/({RKEY})/?")
AT_URI = re.compile(rf"at://({ACTOR})/{re.escape(POST)}/({RKEY})")


def example(root: str) -> str:
    return f"{root.rstrip('/')}/profile/handle.bsky.social/post/3k…"


def post_id(link: str, *, roots: tuple[str, ...], base_url: str, label: str) -> str:
    """The AT URI of the post `link` names, its author's handle resolved to a DID at
    `base_url` (one call: resolveHandle); NotAPostLink otherwise, a platforms.base error
    when the PDS could not be asked."""
    text = link.strip()
    path = path_under(text, roots)
    found = (PAGE_PATH.fullmatch(path) if path is not None else None) or AT_URI.fullmatch(text)
    if found is None:
        raise NotAPostLink(
            f"That is not a link to a post on {label}: paste the post's link "
            f"({example(roots[0])}) or its at:// URI."
        )
    actor, rkey = found.groups()
    did = actor if DID.fullmatch(actor) else resolve_handle(base_url, actor)
    return f"at://{did}/{POST}/{rkey}"


def resolve_handle(base_url: str, handle: str) -> str:
    """The DID of `handle` (com.atproto.identity.resolveHandle at `base_url`, no session
    needed); NotAPostLink when no account has it, a platforms.base error when the PDS could
    not be asked."""
    client = Client(
        base_url=base_url,
        request=Request(
            timeout=httpx.Timeout(
                settings.BLUESKY_READ_TIMEOUT, connect=settings.BLUESKY_CONNECT_TIMEOUT
            )
        ),
    )
    try:
        return client.com.atproto.identity.resolve_handle({"handle": handle.lower()}).did
    except atproto_errors.RequestErrorBase as error:
        refused = error_for(False, error, signing_in=False)
    if isinstance(refused, BadRequest):
        raise NotAPostLink(
            f"No Bluesky account has the handle @{handle}: check the link, or paste the "
            "post's at:// URI."
        )
    raise refused
