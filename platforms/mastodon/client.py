"""The client for a Mastodon instance (or the sandbox's), on Mastodon.py: statuses with an
Idempotency-Key, media v2 with alt text, mentions from notifications, the account's own
statuses, and errors mapped to platforms.base so the pipeline treats Mastodon like X.

Mastodon.py's own rate-limit waiting is off ("throw"): a 429 becomes RateLimited with the
instance's X-RateLimit-Reset, and the pipeline waits, not the worker.
"""

import hashlib
import logging
import mimetypes
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.cookiejar import DefaultCookiePolicy

import requests
from django.conf import settings
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonIOError,
    MastodonNetworkError,
    MastodonRatelimitError,
)
from urllib3.exceptions import NewConnectionError

from platforms.base import (
    Account,
    BadRequest,
    Forbidden,
    Limits,
    MentionPages,
    Page,
    PlatformError,
    Post,
    RateLimited,
    Transient,
    Unauthorized,
)
from platforms.mastodon.text import addressed, plain_text

log = logging.getLogger(__name__)

# Mastodon's largest pages: 40 notifications or statuses.
PAGE_SIZE = 40
RECENT_MAX_PAGES = 10
RATE_WINDOW = timedelta(minutes=5)
# The API version Aviary speaks (media v2 and Idempotency-Key are from 3.x): Mastodon.py is
# told it, so it never spends a call asking the instance.
API_VERSION = (4, 3, 0)
MEDIA_POLL_SECONDS = 0.5
# Each thread's requests session (_kept_session).
_threads = threading.local()


class _RecordingSession(requests.Session):
    """Keeps the last answer, so its rate-limit headers can be read whatever Mastodon.py
    did with it."""

    last_response: requests.Response | None = None

    def request(self, method, url, *args, **kwargs):
        self.last_response = None
        response = super().request(method, url, *args, **kwargs)
        self.last_response = response
        log.log(
            logging.DEBUG if response.ok else logging.INFO,
            "%s %s: %s",
            method,
            response.request.path_url if response.request else "",
            response.status_code,
        )
        return response


def _kept_session() -> _RecordingSession:
    """This thread's requests session for every bot's calls to every instance, kept across
    posts as X's client keeps its own: its pooled connections spare a post a new connection
    and a TLS handshake. It keeps no cookies, so nothing an answer to one bot sets goes out
    with another bot's requests; each call carries its bot's token (Mastodon.py sends the
    Authorization header per request)."""
    session = getattr(_threads, "session", None)
    if session is None:
        session = _threads.session = _RecordingSession()
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


def idempotency_key(key: str) -> str:
    """The Idempotency-Key header for a tweet's post key: the same on every attempt, and
    saying nothing of the tweet."""
    return hashlib.sha256(f"aviary:{key}".encode()).hexdigest()[:48]


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds after which every request to an instance gives up."""
    return (settings.MASTODON_API_CONNECT_TIMEOUT, settings.MASTODON_API_READ_TIMEOUT)


def api(
    base_url: str,
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    session=None,
) -> Mastodon:
    """Mastodon.py for the instance at `base_url`: no version probing, timed out, throwing
    on a 429."""
    client = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        access_token=access_token,
        api_base_url=base_url,
        version_check_mode="none",
        ratelimit_method="throw",
        request_timeout=timeouts(),
        mastodon_version=".".join(map(str, API_VERSION)),
        session=session or _RecordingSession(),
    )
    client.mastodon_major, client.mastodon_minor, client.mastodon_patch = API_VERSION
    return client


class MastodonClient(MentionPages):
    """Speaks for one bot to its Mastodon instance at `base_url` (platforms.client_for picks
    it). Every method raises a platforms.base error on failure."""

    def __init__(self, bot, *, base_url: str, on_call=None, owns_app: bool = False):
        # Mastodon bills no call: `on_call` and `owns_app` (X's billing) go unused.
        self.bot = bot
        self.base_url = base_url.rstrip("/")
        self.last_limits = Limits(None, None, None)
        self._session = _kept_session()
        self._api = api(
            self.base_url, access_token=bot.credentials().access_token, session=self._session
        )

    def __repr__(self):
        return f"<MastodonClient for {self.bot.name} at {self.base_url}>"

    def me(self) -> Account:
        """Who the token speaks for (GET /api/v1/accounts/verify_credentials); the username
        is the handle, user@instance."""
        account = self._call("GET", self._api.account_verify_credentials)
        return Account(
            id=str(account["id"]),
            username=handle_of(account),
            name=account.get("display_name") or "",
        )

    def mark_as_bot(self) -> None:
        """Set the account's `bot` flag (PATCH /api/v1/accounts/update_credentials)."""
        self._call("PATCH", lambda: self._api.account_update_credentials(bot=True))

    def post(self, text: str, media_ids=(), reply_to: str | None = None, key: str = "") -> str:
        """Create a status (POST /api/v1/statuses); returns its id. With `key`, the
        Idempotency-Key header makes a repeat within the hour answer the first status. A
        reply starts with its author's @address, as Mastodon's own clients write it, since
        only a mention in the text notifies them: Aviary's drafts begin with it already
        (Rules.reply_address); a reply that begins with no @address at all is given its
        author's here (one more call: GET /api/v1/statuses/:id)."""
        if reply_to and not text.startswith("@"):
            text = self._addressed(text, reply_to)
        status = self._call(
            "POST",
            lambda: self._api.status_post(
                text,
                in_reply_to_id=reply_to or None,
                media_ids=list(media_ids) or None,
                idempotency_key=idempotency_key(key) if key else None,
            ),
        )
        return str(status["id"])

    def _addressed(self, text: str, reply_to: str) -> str:
        parent = self._call("GET", lambda: self._api.status(reply_to))
        author = parent.get("account") or {}
        if str(author.get("id", "")) == self._user_id():
            return text
        return addressed(text, str(author.get("acct") or ""))

    def upload_image(self, path, alt_text: str = "") -> str:
        """Upload an image with its description (POST /api/v2/media), then wait while the
        instance processes it (202, polling GET /api/v1/media/:id until its url is set, up
        to MASTODON_MEDIA_DEADLINE_SECONDS); returns the media id."""
        mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        media = self._call(
            "POST",
            lambda: self._api.media_post(str(path), mime_type=mime, description=alt_text or None),
            ambiguous=False,
        )
        deadline = time.monotonic() + settings.MASTODON_MEDIA_DEADLINE_SECONDS
        while not media.get("url"):
            if time.monotonic() > deadline:
                raise Transient("The Mastodon instance is still processing the image.")
            time.sleep(MEDIA_POLL_SECONDS)
            media = self._call("GET", lambda media_id=media["id"]: self._api.media(media_id))
        return str(media["id"])

    def mention_pages(
        self, since_id: str | None = None, *, until_id: str | None = None
    ) -> Iterator[Page]:
        """Pages of statuses that mention the bot, newest first, between the status ids
        `since_id` and `until_id` (both excluded), read from the notifications of type
        mention (GET /api/v1/notifications?types[]=mention) page by page, as asked for."""
        max_id = None
        while True:
            notifications = self._call(
                "GET",
                lambda max_id=max_id: self._api.notifications(
                    types=["mention"], max_id=max_id, limit=PAGE_SIZE
                ),
            )
            statuses = [n["status"] for n in notifications if n.get("status")]
            reached = bool(since_id) and any(_id_le(s["id"], since_id) for s in statuses)
            kept = [
                s
                for s in statuses
                if not (since_id and _id_le(s["id"], since_id))
                and not (until_id and not _id_lt(s["id"], until_id))
            ]
            last = not notifications or reached or len(notifications) < PAGE_SIZE
            next_id = "" if last else str(notifications[-1]["id"])
            yield Page(posts=[self._mention(status) for status in kept], next_token=next_id)
            if last:
                return
            max_id = next_id

    def recent_posts(
        self, *, since: datetime | None = None, max_pages: int = RECENT_MAX_PAGES
    ) -> list[Post]:
        """The bot's own statuses, newest first (GET /api/v1/accounts/:id/statuses): the
        latest page, or with `since` every status from then on (at most `max_pages`)."""
        account_id = self._user_id()
        posts, max_id = [], None
        for _ in range(max_pages if since else 1):
            statuses = self._call(
                "GET",
                lambda max_id=max_id: self._api.account_statuses(
                    account_id, max_id=max_id, limit=PAGE_SIZE
                ),
            )
            posts.extend(_post(status) for status in statuses)
            if len(statuses) < PAGE_SIZE or (
                since and posts[-1].created_at and posts[-1].created_at < since
            ):
                break
            max_id = statuses[-1]["id"]
        return posts

    def _mention(self, status) -> Post:
        """A mention, its conversation named by the thread's first status: one more call
        (GET /api/v1/statuses/:id/context) for a mention that replies to another."""
        conversation_id = str(status["id"])
        if status.get("in_reply_to_id"):
            context = self._call("GET", lambda: self._api.status_context(status["id"]))
            ancestors = context.get("ancestors") or []
            if ancestors:
                conversation_id = str(ancestors[0]["id"])
        return _post(status, conversation_id=conversation_id)

    def _user_id(self) -> str:
        return self.bot.x_user_id or self.me().id

    def _call(self, method: str, call, *, ambiguous: bool | None = None):
        """Make the call; an error becomes the platforms.base error it stands for. A write
        that got no answer (or one that cannot be read) is ambiguous unless `ambiguous` is
        False (an upload, harmless to repeat)."""
        write = method != "GET" if ambiguous is None else ambiguous
        self._api.request_timeout = timeouts()
        try:
            answer = call()
        except MastodonRatelimitError:
            raise self._rate_limited() from None
        except MastodonNetworkError as error:
            raise network_error(error.__context__, write=write) from None
        except MastodonAPIError as error:
            raise http_error(error, write=write) from None
        except (MastodonIllegalArgumentError, MastodonIOError) as error:
            raise BadRequest(f"Mastodon refused the request: {error}") from None
        except MastodonError as error:
            raise Transient(
                f"Mastodon's answer could not be read ({type(error).__name__}).", ambiguous=write
            ) from None
        finally:
            self._record_limits()
        return answer

    def _record_limits(self) -> None:
        response = self._session.last_response
        if response is not None:
            self.last_limits = limits_of(response.headers)

    def _rate_limited(self) -> RateLimited:
        response = self._session.last_response
        reset_at = limits_of(response.headers).reset_at if response is not None else None
        reset_at = reset_at or datetime.now(UTC) + RATE_WINDOW
        wait = max(0, int(reset_at.timestamp() - time.time()))
        return RateLimited(
            "The Mastodon instance's rate limit was reached (429). "
            f"Waiting {wait} s until it resets.",
            reset_at=reset_at,
        )


def handle_of(account) -> str:
    """user@instance: the account's `acct` with its instance's domain (from its profile URL)."""
    acct = str(account.get("acct") or account.get("username") or "")
    if "@" in acct:
        return acct
    host = requests.utils.urlparse(str(account.get("url") or "")).hostname or ""
    return f"{acct}@{host}" if host else acct


def limits_of(headers) -> Limits:
    """X-RateLimit-Limit/-Remaining, and -Reset (an ISO 8601 time on Mastodon)."""

    def number(name):
        value = headers.get(name)
        return int(value) if value and value.isdigit() else None

    return Limits(
        limit=number("X-RateLimit-Limit"),
        remaining=number("X-RateLimit-Remaining"),
        reset_at=_time(headers.get("X-RateLimit-Reset")),
    )


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def http_error(error: MastodonAPIError, *, write: bool) -> PlatformError:
    """The platforms.base error for an instance's error answer (Mastodon.py's args: message,
    status, reason, the instance's `error`)."""
    args = error.args
    status = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    detail = str(args[3])[:500] if len(args) > 3 and args[3] else ""
    said = f": {detail}" if detail else "."
    if status is None:
        return Transient("Mastodon's answer could not be read.", ambiguous=write)
    if status == 401:
        return Unauthorized(
            "The Mastodon instance refused the bot's access token (401). Connect the "
            "account again from the bot's page.",
            status=status,
        )
    if status == 403:
        return Forbidden(
            f"The Mastodon instance forbids this for the account (403){said}", status=status
        )
    if status == 404:
        return BadRequest(f"The Mastodon instance has no such thing (404){said}", status=status)
    if status == 422:
        return BadRequest(f"The Mastodon instance refused this post (422){said}", status=status)
    if status >= 500:
        return Transient(
            f"The Mastodon instance had a server error ({status}){said}",
            status=status,
            ambiguous=write,
        )
    return BadRequest(f"The Mastodon instance refused the request ({status}){said}", status=status)


def _never_sent(error) -> bool:
    """True when the request certainly never reached the instance (no connection made, or
    an unusable URL)."""
    if isinstance(
        error,
        requests.ConnectTimeout
        | requests.exceptions.SSLError
        | requests.exceptions.InvalidURL
        | requests.exceptions.MissingSchema
        | requests.exceptions.InvalidSchema,
    ):
        return True
    if isinstance(error, requests.ConnectionError) and error.args:
        cause = error.args[0]
        return isinstance(getattr(cause, "reason", cause), NewConnectionError)
    return False


def network_error(error: BaseException | None, *, write: bool) -> Transient:
    """A request that got no answer: ambiguous for a write that may have arrived."""
    never_sent = _never_sent(error)
    if isinstance(error, requests.ReadTimeout):
        reason = "The Mastodon instance did not answer in time."
    elif never_sent:
        reason = f"Could not connect to the Mastodon instance ({type(error).__name__})."
    else:
        reason = f"The connection to the Mastodon instance failed ({type(error).__name__})."
    return Transient(reason, ambiguous=write and not never_sent)


def _post(status, *, conversation_id: str = "") -> Post:
    account = status.get("account") or {}
    created = status.get("created_at")
    if isinstance(created, str):
        created = _time(created)
    return Post(
        id=str(status["id"]),
        text=plain_text(status.get("content") or ""),
        author_id=str(account.get("id", "")),
        author_username=str(account.get("acct", "")),
        created_at=created,
        conversation_id=conversation_id,
        in_reply_to_user_id=str(status.get("in_reply_to_account_id") or ""),
    )


def _id_lt(a, b) -> bool:
    """Mastodon's ids are numbers in text: compare them as numbers."""
    return (len(str(a)), str(a)) < (len(str(b)), str(b))


def _id_le(a, b) -> bool:
    return not _id_lt(b, a)
