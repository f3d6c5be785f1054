"""Posts in the Bluesky sandbox's repos: storing one as the PDS does (its CID over its
content, the notifications it makes), for createRecord and for the bridge alike."""

import base64
import hashlib
import json

from platforms.bluesky import keys
from platforms.bluesky import text as bluesky_text
from xsandbox.models import BlueskyAccount, BlueskyNotification, BlueskyRecord

POST = "app.bsky.feed.post"


def store_post(account: BlueskyAccount, record: dict, *, rkey: str = "") -> BlueskyRecord:
    """Store the post record under `rkey` (a new TID when none) and notify whom it mentions
    or answers. Rows written: BlueskyRecord, BlueskyNotification. IntegrityError when the
    rkey is taken."""
    stored = json_value(record)
    made = BlueskyRecord.objects.create(
        account=account,
        collection=POST,
        rkey=rkey or keys.record_key(""),
        cid=cid(stored),
        value=stored,
    )
    notify(made)
    return made


def notify(post: BlueskyRecord) -> None:
    """The notifications a new post makes: a mention for each account its facets name, a
    reply for the author of the post it answers (never one's own)."""
    mentioned = {
        feature.get("did")
        for facet in post.value.get("facets") or []
        for feature in facet.get("features") or []
        if feature.get("$type") == bluesky_text.MENTION
    }
    parent = ((post.value.get("reply") or {}).get("parent") or {}).get("uri", "")
    parent_did = parent.removeprefix("at://").split("/", 1)[0] if parent else ""
    for account in BlueskyAccount.objects.filter(did__in=mentioned | {parent_did}):
        if account.pk == post.account_id:
            continue
        reason = "reply" if account.did == parent_did else "mention"
        BlueskyNotification.objects.create(recipient=account, record=post, reason=reason)


def json_value(value):
    return json.loads(json.dumps(value))


def cid(value, *, raw: bool = False) -> str:
    """A CIDv1 in base32 (dag-cbor for records, raw for blobs) over the content's hash."""
    data = value if raw else json.dumps(value, sort_keys=True).encode()
    prefix = bytes([0x01, 0x55 if raw else 0x71, 0x12, 0x20])
    digest = prefix + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(digest).decode().lower().rstrip("=")
