"""A post's text as Bridgy Fed carries it across: each mention rewritten to the address of
the same account on the other side (when it has one there), link facets found as Bluesky's
app finds them, and a Mastodon status longer than a Bluesky post cut at a word with a link
to the original, as Bridgy Fed does."""

from dataclasses import dataclass, field

from platforms.bluesky import text as bluesky_text
from xsandbox.bridge import accounts
from xsandbox.mastodon.entities import MENTION_RE
from xsandbox.models import BlueskyAccount, MastodonAccount

ELLIPSIS = "…"


@dataclass
class Converted:
    text: str
    facets: list[dict] = field(default_factory=list)
    mentioned: set[MastodonAccount] = field(default_factory=set)


def to_bluesky(text: str, *, host: str, url: str) -> Converted:
    """A Mastodon status's text as a Bluesky post's: @mentions of accounts on the bridge as
    their Bluesky handles with mention facets, links as link facets, at most 300 graphemes
    (and 3,000 bytes), the original's `url` ending a text that had to be cut."""
    parts, mentions, at = [], [], 0
    for match in MENTION_RE.finditer(text):
        did, handle = _bluesky_account(match.group(1), match.group(2) or "", host=host)
        if not did:
            continue
        parts.append(text[at : match.start()])
        start = sum(map(len, parts))
        parts.append(f"@{handle}")
        mentions.append((start, start + len(handle) + 1, did))
        at = match.end()
    parts.append(text[at:])
    converted = "".join(parts)
    if not _fits(converted):
        converted = _cut(converted, url)
    facets = [
        _mention_facet(converted, start, end, did)
        for start, end, did in mentions
        if end <= len(converted)
    ]
    facets += bluesky_text.links(converted)
    return Converted(converted, sorted(facets, key=lambda facet: facet["index"]["byteStart"]))


def to_mastodon(record: dict) -> Converted:
    """A Bluesky post's text as a Mastodon status's: each mention facet of an account on
    the bridge rewritten to its fediverse address (a local account's @username), and the
    accounts mentioned, as the bridged activity tags them."""
    data = str(record.get("text") or "").encode("utf-8")
    out, mentioned, at = [], set(), 0
    for start, end, did in sorted(_mention_ranges(record, len(data))):
        if start < at:
            continue
        account = _mastodon_account(did)
        if account is None:
            continue
        out.append(data[at:start])
        out.append(f"@{account.acct}".encode())
        mentioned.add(account)
        at = end
    out.append(data[at:])
    return Converted(b"".join(out).decode("utf-8", "replace"), mentioned=mentioned)


def _bluesky_account(username: str, domain: str, *, host: str) -> tuple[str, str]:
    """The DID and handle on Bluesky of the Mastodon account @username[@domain], or ('', '')
    when it has none there (not on the bridge)."""
    if domain.lower() == accounts.FEDIVERSE_DOMAIN:
        mirror = MastodonAccount.objects.filter(
            username__iexact=username, domain=accounts.FEDIVERSE_DOMAIN
        ).first()
        original = mirror.bridge_of if mirror is not None else None
        return (original.did, original.handle) if original else ("", "")
    if domain and domain.lower() != host.lower():
        return "", ""
    local = MastodonAccount.objects.filter(username__iexact=username, domain="").first()
    if local is None or not local.bridged:
        return "", ""
    mirror = accounts.bluesky_mirror(local, host=host)
    return mirror.did, mirror.handle


def _mastodon_account(did: str) -> MastodonAccount | None:
    """The account on the Mastodon instance that the Bluesky DID is: the local account
    behind a Bridgy Fed handle, or the fediverse account of a Bluesky account on the
    bridge; None for one not on the bridge."""
    account = BlueskyAccount.objects.filter(did=did).select_related("bridge_of").first()
    if account is None:
        return None
    if account.bridge_of is not None:
        return account.bridge_of
    return accounts.fediverse_mirror(account) if account.bridged else None


def _mention_ranges(record: dict, size: int):
    for facet in record.get("facets") or []:
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size):
            continue
        for feature in facet.get("features") or []:
            if feature.get("$type") == bluesky_text.MENTION and feature.get("did"):
                yield start, end, feature["did"]


def _fits(text: str) -> bool:
    return (
        bluesky_text.grapheme_length(text) <= bluesky_text.MAX_GRAPHEMES
        and len(text.encode("utf-8")) <= bluesky_text.MAX_BYTES
    )


def _cut(text: str, url: str) -> str:
    """The longest run of whole words that fits with an ellipsis and the original's link."""
    words = text.split(" ")
    while words:
        cut = " ".join(words).rstrip()
        candidate = f"{cut}{ELLIPSIS} {url}"
        if _fits(candidate):
            return candidate
        words.pop()
    return url


def _mention_facet(text: str, start: int, end: int, did: str) -> dict:
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {
            "byteStart": len(text[:start].encode("utf-8")),
            "byteEnd": len(text[:end].encode("utf-8")),
        },
        "features": [{"$type": bluesky_text.MENTION, "did": did}],
    }
