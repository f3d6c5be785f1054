"""Carrying posts across the sandbox's bridge: a status of an opted-in Mastodon account
becomes a post of its Bluesky account, a post of an opted-in Bluesky account a status of its
fediverse account, each reply in reply to the other side's copy of its parent (a reply to a
post that never crossed stays on its side, as on Bridgy Fed). A copy never crosses back.
Unlike Bridgy Fed, the sandbox carries text only: images stay on the side they were posted."""

from datetime import UTC

from xsandbox.bluesky import records
from xsandbox.bridge import accounts, text
from xsandbox.mastodon.statuses import store_status
from xsandbox.models import BlueskyRecord, BridgedPost, MastodonStatus


def bridge_status(status: MastodonStatus, *, host: str, url: str) -> BridgedPost | None:
    """Bridge a new status of the instance at `host` (found at `url`) to Bluesky if its
    author is on the bridge. Rows written: BlueskyRecord (and BlueskyAccount when the
    author's is new), BlueskyNotification for whom it mentions or answers, BridgedPost."""
    author = status.account
    if not (author.is_local and author.bridged):
        return None
    reply = None
    if status.in_reply_to_id:
        parent = (
            BridgedPost.objects.filter(status_id=status.in_reply_to_id)
            .select_related("record")
            .first()
        )
        if parent is None:
            return None
        reply = _reply_refs(parent.record)
    converted = text.to_bluesky(status.text, host=host, url=url)
    record = {
        "$type": records.POST,
        "text": converted.text,
        "createdAt": status.created_at.astimezone(UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "langs": ["en"],
        # Bridgy Fed's own fields on the posts it writes.
        "bridgyOriginalText": status.text,
        "bridgyOriginalUrl": url,
    }
    if converted.facets:
        record["facets"] = converted.facets
    if reply:
        record["reply"] = reply
    made = records.store_post(accounts.bluesky_mirror(author, host=host), record)
    return BridgedPost.objects.create(
        status=status, record=made, origin=BridgedPost.Origin.MASTODON
    )


def bridge_record(post: BlueskyRecord) -> BridgedPost | None:
    """Bridge a new post to the Mastodon instance if its author is on the bridge. Rows
    written: MastodonStatus (and MastodonAccount when the author's is new),
    MastodonNotification for the local accounts it mentions or answers, BridgedPost."""
    author = post.account
    if author.bridge_of_id or not author.bridged or post.collection != records.POST:
        return None
    parent = None
    parent_uri = ((post.value.get("reply") or {}).get("parent") or {}).get("uri", "")
    if parent_uri:
        bridged = _bridged_at(parent_uri)
        if bridged is None:
            return None
        parent = bridged.status
    converted = text.to_mastodon(post.value)
    if parent is not None:
        # The activity tags the author of the status it answers, who is notified.
        converted.mentioned.add(parent.account)
    status = store_status(
        accounts.fediverse_mirror(author),
        converted.text,
        host="",
        parent=parent,
        mentioned=converted.mentioned,
    )
    return BridgedPost.objects.create(status=status, record=post, origin=BridgedPost.Origin.BLUESKY)


def _bridged_at(uri: str) -> BridgedPost | None:
    repo, _, rest = uri.removeprefix("at://").partition("/")
    collection, _, rkey = rest.partition("/")
    return (
        BridgedPost.objects.filter(
            record__account__did=repo, record__collection=collection, record__rkey=rkey
        )
        .select_related("status__account")
        .first()
    )


def _reply_refs(parent: BlueskyRecord) -> dict:
    """Strong refs to the parent and to the root its own reply names (or itself)."""
    parent_ref = {"uri": parent.uri, "cid": parent.cid}
    root = (parent.value.get("reply") or {}).get("root") or parent_ref
    return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent_ref}
