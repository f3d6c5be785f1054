"""Bluesky's text rules: a post is at most 300 graphemes (extended grapheme clusters, as
the app and the PDS count them), and its links and mentions are facets over UTF-8 byte
ranges, found as the official SDK finds them (atproto's port of @atproto/api's detection)."""

import regex
from atproto_client.models.utils import get_model_as_dict
from atproto_client.utils import facet_detection

MAX_GRAPHEMES = 300
# The PDS also caps a post's text at 3,000 UTF-8 bytes (app.bsky.feed.post's lexicon).
MAX_BYTES = 3000

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"

_GRAPHEME = regex.compile(r"\X")


def grapheme_length(text: str) -> int:
    """How many extended grapheme clusters `text` has (one emoji with its modifiers and
    joiners is one)."""
    return len(_GRAPHEME.findall(text))


def is_valid(text: str) -> bool:
    """Not blank, at most 300 graphemes and 3,000 bytes."""
    return (
        bool(text.strip())
        and grapheme_length(text) <= MAX_GRAPHEMES
        and len(text.encode("utf-8")) <= MAX_BYTES
    )


def has_url(text: str) -> bool:
    return any(
        feature.get("$type") == LINK for facet in links(text) for feature in facet["features"]
    )


def links(text: str) -> list[dict]:
    """The link (and hashtag) facets of `text`, as app.bsky.richtext.facet JSON."""
    return [_as_json(facet) for facet in facet_detection.detect_facets(text)]


def mentions(text: str) -> list[facet_detection.MentionMatch]:
    """The @handles in `text` with their byte ranges, not yet resolved to DIDs."""
    return facet_detection.detect_mentions(text)


def mention_facet(mention: facet_detection.MentionMatch, did: str) -> dict:
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": mention.byte_start, "byteEnd": mention.byte_end},
        "features": [{"$type": MENTION, "did": did}],
    }


def _as_json(facet) -> dict:
    return get_model_as_dict(facet)
