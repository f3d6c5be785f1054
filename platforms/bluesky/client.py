"""The client for Bluesky (a PDS's XRPC API, Bluesky's or the sandbox's): atproto's Client for
the calls and the session, and errors that say what to do next (platforms.base).

The session is the bot's: read from `bot.network_session()`, renewed by refreshSession (the
library refreshes an access token near its expiry; an ExpiredToken answer refreshes once),
and each new one kept by `bot.keep_network_session(session)`. createSession, limited to 30 per
5 minutes and 300 a day, is called only when there is no session or its refresh is refused.
After sign-in the client follows the PDS endpoint of the session's DID document. Each thread
keeps the atproto client of a bot across posts (its connection pool and parsed session) while
the stored session and the app password are the ones it holds.
"""

import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
from atproto_client import Client, Session, SessionEvent
from atproto_client import exceptions as atproto_errors
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from django.conf import settings

from platforms.base import (
    Account,
    BadRequest,
    Forbidden,
    Limits,
    MentionPages,
    Page,
    PlatformError,
    Post,
    Transient,
    Unauthorized,
)
from platforms.bluesky import images, keys, text
from platforms.bluesky.errors import TAKEN, SessionRefused, epoch, error_for
from platforms.bluesky.rules import MAX_ALT_TEXT
from platforms.encryption import CredentialsUnreadable

log = logging.getLogger(__name__)

POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"
PAGE_SIZE = 100
RECENT_MAX_PAGES = 10


class _KeptClient:
    """An atproto client a thread keeps for one bot across posts: its connection pool (an
    httpx client costs ~20 ms of CPU to make) and its parsed session. Its session changes
    and answers are reported to `speaker`, the BlueskyClient speaking through it now."""

    def __init__(self, password_digest: str):
        self.password_digest = password_digest
        self.session = ""
        self.client: Client | None = None
        self.speaker: BlueskyClient | None = None

    def holds(self, stored: str, password_digest: str) -> bool:
        return bool(stored) and (stored, password_digest) == (self.session, self.password_digest)

    def keep(self, event: SessionEvent, session: Session) -> None:
        self.session = session.export()
        self.speaker._keep(event, session)

    def note_response(self, response: httpx.Response) -> None:
        self.speaker._note_response(response)


_threads = threading.local()
# The most bots a thread keeps a client (and its connection pool) for: past it, the one used
# longest ago is closed, so a worker for a large flock holds a bounded number of sockets.
MOST_KEPT_CLIENTS = 64


def _kept_clients() -> dict[tuple, _KeptClient]:
    """This thread's kept clients, by bot and base URL (a worker has one thread; a threaded
    web server's request threads keep none between them)."""
    if not hasattr(_threads, "clients"):
        _threads.clients = {}
    return _threads.clients


def _keep_client(key: tuple, kept: "_KeptClient") -> None:
    """Keep `kept` for `key` as the thread's newest, closing the one used longest ago (or
    the one it replaces) beyond MOST_KEPT_CLIENTS."""
    clients = _kept_clients()
    former = clients.pop(key, None)
    if former is not None and former is not kept and former.client is not None:
        former.client.request.close()
    clients[key] = kept
    while len(clients) > MOST_KEPT_CLIENTS:
        oldest = clients.pop(next(iter(clients)))
        if oldest.client is not None:
            oldest.client.request.close()


class BlueskyClient(MentionPages):
    """Speaks for one bot to the PDS at `base_url` (platforms.client_for picks it). The bot is
    duck-typed: `handle`, `name`, `credentials().app_password`, `network_session()` and
    `keep_network_session(session)`. Every method raises a platforms.base error on failure."""

    def __init__(self, bot, *, base_url: str, on_call=None, owns_app: bool = False):
        # Bluesky bills no call: `on_call` and `owns_app` (X's billing) go unused.
        self.bot = bot
        self.base_url = base_url.rstrip("/")
        self.last_limits = Limits(None, None, None)
        self._client: Client | None = None

    def __repr__(self):
        return f"<BlueskyClient for {self.bot.name} at {self.base_url}>"

    # The contract ------------------------------------------------------------------------

    def me(self) -> Account:
        """Who the session speaks for: getSession's DID and handle, getProfile's name."""
        session = self._call(False, lambda c: c.com.atproto.server.get_session())
        profile = self._call(False, lambda c: c.app.bsky.actor.get_profile({"actor": session.did}))
        return Account(id=session.did, username=session.handle, name=profile.display_name or "")

    def post(self, text: str, media_ids=(), reply_to: str | None = None, key: str = "") -> str:
        """Create an app.bsky.feed.post record under the rkey made from `key`; returns its AT
        URI. When the answer is lost or the rkey is taken, the record is read back: found,
        it was posted (by this attempt or an earlier one of the same tweet)."""
        rkey = keys.record_key(key)
        record = {
            "$type": POST,
            "text": text,
            "createdAt": _now(),
            "langs": ["en"],
        }
        if facets := self._facets(text):
            record["facets"] = facets
        if reply_to:
            record["reply"] = self._reply_refs(reply_to)
        if media_ids:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [json.loads(media_id) for media_id in media_ids],
            }
        did = self._did()
        data = {"repo": did, "collection": POST, "rkey": rkey, "record": record}
        try:
            return self._call(True, lambda c: c.com.atproto.repo.create_record(data)).uri
        except (Transient, BadRequest) as error:
            taken = isinstance(error, BadRequest) and any(word in error.reason for word in TAKEN)
            if isinstance(error, BadRequest) and not taken:
                raise
            found = self._existing(did, rkey)
            if found:
                log.info("Post %s of %s was already there: %s", rkey, self.bot.name, found)
                return found
            if found is None or error.status is None:
                raise
            # The PDS answered, so it has finished with the write, and the record is not
            # there: it was not posted, and posting again is safe.
            raise Transient(error.reason, status=error.status, ambiguous=False) from None

    def upload_image(self, path, alt_text: str = "") -> str:
        """Re-encode the image under the blob limit, upload it (uploadBlob) and return the
        app.bsky.embed.images#image it becomes, as JSON: the blob, alt text and aspectRatio."""
        data, mime, (width, height) = images.encoded(path)
        blob = self._call(
            True,
            lambda c: c.com.atproto.repo.upload_blob(data, headers={"Content-Type": mime}),
        ).blob
        return json.dumps(
            {
                "$type": "app.bsky.embed.images#image",
                "image": get_model_as_dict(blob),
                "alt": alt_text[:MAX_ALT_TEXT],
                "aspectRatio": {"width": width, "height": height},
            }
        )

    def mention_pages(
        self, since_id: str | None = None, *, until_id: str | None = None
    ) -> Iterator[Page]:
        """Pages of notifications that mention the bot or reply to its posts (reasons
        `mention` and `reply`), newest first, stopping at `since_id` (excluded) and skipping those
        down to `until_id` (excluded)."""
        did = self._did()
        cursor, skipping = None, bool(until_id)
        while True:
            answer = self._call(
                False,
                lambda c, cursor=cursor: c.app.bsky.notification.list_notifications(
                    {"limit": PAGE_SIZE, "cursor": cursor}
                ),
            )
            posts, reached = [], False
            for notification in answer.notifications:
                if notification.uri == since_id:
                    reached = True
                    break
                if skipping:
                    skipping = notification.uri != until_id
                    continue
                if _mentions(notification, did):
                    posts.append(_post_of_notification(notification))
            cursor = "" if reached else (answer.cursor or "")
            yield Page(posts=posts, next_token=cursor)
            if not cursor:
                return

    def recent_posts(
        self, *, since: datetime | None = None, max_pages: int = RECENT_MAX_PAGES
    ) -> list[Post]:
        """The bot's own posts and replies (getAuthorFeed, reposts left out), newest first:
        the latest page, or with `since` every post from then on (at most `max_pages`)."""
        did = self._did()
        posts, cursor = [], None
        for _ in range(max_pages if since else 1):
            answer = self._call(
                False,
                lambda c, cursor=cursor: c.app.bsky.feed.get_author_feed(
                    {"actor": did, "limit": PAGE_SIZE, "cursor": cursor}
                ),
            )
            page = [_post_of_view(item.post) for item in answer.feed if item.post.author.did == did]
            posts.extend(page)
            cursor = answer.cursor
            older = since and page and page[-1].created_at and page[-1].created_at < since
            if not cursor or older:
                break
        return posts

    # Connecting --------------------------------------------------------------------------

    def mark_as_bot(self) -> None:
        """Set the `bot` self-label on the account's profile record, keeping the rest of it."""
        did = self._did()
        try:
            current = self._call(
                False,
                lambda c: c.com.atproto.repo.get_record(
                    {"repo": did, "collection": PROFILE, "rkey": "self"}
                ),
            )
            profile = get_model_as_dict(current.value)
            swap = current.cid
        except BadRequest:
            profile, swap = {"$type": PROFILE}, None
        labels = profile.get("labels") or {}
        values = [label for label in labels.get("values", []) if label.get("val") != "bot"]
        profile["labels"] = {
            "$type": "com.atproto.label.defs#selfLabels",
            "values": [*values, {"val": "bot"}],
        }
        data = {"repo": did, "collection": PROFILE, "rkey": "self", "record": profile}
        if swap:
            data["swapRecord"] = swap
        self._call(True, lambda c: c.com.atproto.repo.put_record(data))

    # Within ------------------------------------------------------------------------------

    def _facets(self, body: str) -> list[dict]:
        """Links and tags as the app finds them, and each @handle that resolves to a DID
        (resolveHandle, once per handle); one that does not stays plain text."""
        facets = text.links(body)
        dids: dict[str, str | None] = {}
        for mention in text.mentions(body):
            handle = mention.handle.lower()
            if handle not in dids:
                dids[handle] = self._resolve(handle)
            if dids[handle]:
                facets.append(text.mention_facet(mention, dids[handle]))
        return sorted(facets, key=lambda facet: facet["index"]["byteStart"])

    def _resolve(self, handle: str) -> str | None:
        try:
            return self._call(
                False, lambda c: c.com.atproto.identity.resolve_handle({"handle": handle})
            ).did
        except BadRequest:
            return None

    def _reply_refs(self, parent_uri: str) -> dict:
        """The reply's strong refs: the parent as read now, and the root its record names
        (the parent itself when it starts the thread)."""
        repo, collection, rkey = _parts(parent_uri)
        parent = self._call(
            False,
            lambda c: c.com.atproto.repo.get_record(
                {"repo": repo, "collection": collection, "rkey": rkey}
            ),
        )
        parent_ref = {"uri": parent.uri, "cid": parent.cid}
        reply = get_model_as_dict(parent.value).get("reply") or {}
        root = reply.get("root") or parent_ref
        return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent_ref}

    def _existing(self, did: str, rkey: str) -> str | None:
        """The URI of the bot's post under `rkey`; '' when the PDS says there is none, None
        when it could not tell."""
        try:
            return self._call(
                False,
                lambda c: c.com.atproto.repo.get_record(
                    {"repo": did, "collection": POST, "rkey": rkey}
                ),
            ).uri
        except BadRequest as error:
            return "" if "RecordNotFound" in error.reason else None
        except PlatformError:
            return None

    def _did(self) -> str:
        self._signed_in()
        return self._client._session.did

    def _signed_in(self) -> Client:
        """The atproto client with the bot's session: the one this thread keeps for the bot
        while it holds the stored session under the same app password, else a new one."""
        if self._client is None:
            stored = self.bot.network_session()
            key = (self.bot.pk, self.base_url)
            kept = _kept_clients().get(key)
            if kept is None or not kept.holds(stored, self._password_digest()):
                kept = self._new_client(stored)
            _keep_client(key, kept)
            kept.speaker = self
            self._client = kept.client
        return self._client

    def _new_client(self, stored: str) -> "_KeptClient":
        """A new atproto client (its own connection pool), signed in with the stored
        session, else the app password."""
        kept = _KeptClient(self._password_digest())
        kept.speaker = self
        kept.client = Client(
            base_url=self.base_url,
            request=Request(
                timeout=httpx.Timeout(
                    settings.BLUESKY_READ_TIMEOUT, connect=settings.BLUESKY_CONNECT_TIMEOUT
                ),
                event_hooks={"response": [kept.note_response]},
            ),
        )
        kept.client.on_session_change(kept.keep)
        self._client = kept.client
        if stored:
            self._guard(
                False, lambda: kept.client.login(session_string=stored, fetch_bsky_profile=False)
            )
        else:
            self._create_session()
        return kept

    def _password_digest(self) -> str:
        """A digest of the app password, so a kept client never outlives a change of it;
        '' when it does not decrypt (signing in says so, should the session need it)."""
        try:
            password = self.bot.credentials().app_password
        except CredentialsUnreadable:
            return ""
        return hashlib.sha256(password.encode()).hexdigest()

    def _create_session(self) -> None:
        """Sign in with the app password (createSession): only without a usable session."""
        password = self.bot.credentials().app_password
        if not password:
            raise Unauthorized("The bot has no Bluesky app password: connect it again.")
        self._client.update_base_url(self.base_url)
        self._guard(
            True,
            lambda: self._client.login(self.bot.handle, password, fetch_bsky_profile=False),
            signing_in=True,
        )

    def _renew(self) -> None:
        """The access token was refused: take a session another worker renewed meanwhile,
        else refresh, else sign in again."""
        kept = self.bot.network_session()
        if kept and kept != self._client.export_session_string():
            self._guard(
                False, lambda: self._client.login(session_string=kept, fetch_bsky_profile=False)
            )
            return
        try:
            self._guard(True, self._client._refresh_and_set_session)
        except (Unauthorized, Forbidden):
            self._create_session()

    def _keep(self, event: SessionEvent, session: Session) -> None:
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH):
            self.bot.keep_network_session(session.export())

    def _call(self, write: bool, call):
        """`call(client)` with the bot's session; a refused token renews it once."""
        client = self._signed_in()
        try:
            return self._guard(write, lambda: call(client))
        except SessionRefused:
            self._renew()
        return self._guard(write, lambda: call(client))

    def _guard(self, write: bool, call, *, signing_in: bool = False):
        """Run `call`, turning what atproto raises into platforms.base errors."""
        try:
            return call()
        except atproto_errors.RequestErrorBase as error:
            raise error_for(write, error, signing_in=signing_in) from None
        except (atproto_errors.ModelError, ValueError, KeyError, TypeError, AttributeError):
            raise Transient("Bluesky's answer could not be read.", ambiguous=write) from None

    def _note_response(self, response: httpx.Response) -> None:
        self.last_limits = _limits(response.headers)
        log.log(
            logging.DEBUG if response.is_success else logging.INFO,
            "%s %s for %s: %s",
            response.request.method,
            response.request.url.path,
            self.bot.name,
            response.status_code,
        )


def _limits(headers) -> Limits:
    def number(name):
        value = headers.get(name)
        return int(value) if value and value.isdigit() else None

    return Limits(
        limit=number("ratelimit-limit"),
        remaining=number("ratelimit-remaining"),
        reset_at=epoch(headers.get("ratelimit-reset")),
    )


def _mentions(notification, did: str) -> bool:
    # A reply to the bot's post is said to the bot, as X delivers replies among mentions.
    return notification.reason in ("mention", "reply")


def _post_of_notification(notification) -> Post:
    record = get_model_as_dict(notification.record)
    return _post(notification.uri, notification.author, record, notification.indexed_at)


def _post_of_view(view) -> Post:
    return _post(view.uri, view.author, get_model_as_dict(view.record), view.indexed_at)


def _post(uri: str, author, record: dict, indexed_at: str) -> Post:
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri", "")
    return Post(
        id=uri,
        text=record.get("text", ""),
        author_id=author.did,
        author_username=author.handle,
        created_at=_time(record.get("createdAt") or indexed_at),
        conversation_id=(reply.get("root") or {}).get("uri", uri),
        in_reply_to_user_id=_parts(parent)[0] if parent else "",
    )


def _parts(uri: str) -> tuple[str, str, str]:
    """An AT URI's repo, collection and rkey."""
    repo, collection, rkey = uri.removeprefix("at://").split("/", 2)
    return repo, collection, rkey


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
