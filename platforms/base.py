"""What every network has in common: the posts and accounts a client returns, the rate
limits it reports, the errors that say what to do next, and the Rules of a network."""

from dataclasses import dataclass
from datetime import datetime


class PlatformError(Exception):
    """The network refused; `reason` is a sentence for a person, never a secret."""

    def __init__(self, reason: str, *, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Unauthorized(PlatformError):
    """401: the credentials are wrong or revoked. Do not retry; a person must fix them."""


class Forbidden(PlatformError):
    """403: the account may not do this (suspended, locked, not permitted). Do not retry."""


class DuplicateContent(PlatformError):
    """403 duplicate content: this text was posted recently. Check the timeline, do not retry."""


class RateLimited(PlatformError):
    """429: wait until `reset_at`, then try again (a usage cap is one too, with its reason)."""

    def __init__(self, reason: str, *, status: int | None = 429, reset_at: datetime):
        super().__init__(reason, status=status)
        self.reset_at = reset_at


class OutOfCredit(PlatformError):
    """402: the account's pay-per-use credit is spent. Wait, flagged, until someone tops up."""


class BadRequest(PlatformError):
    """400, 404, 422...: X will never accept this request as it is. Do not retry."""


class Transient(PlatformError):
    """5xx, timeouts, lost connections: retry later. `ambiguous` means the request may have
    been acted on (a write that got no answer): reconcile before sending it again."""

    def __init__(self, reason: str, *, status: int | None = None, ambiguous: bool = False):
        super().__init__(reason, status=status)
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    author_id: str = ""
    author_username: str = ""
    created_at: datetime | None = None
    conversation_id: str = ""
    in_reply_to_user_id: str = ""


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    name: str


@dataclass(frozen=True)
class Limits:
    """The 15-minute rate window of the last answer, and, on posting, the user's 24-hour
    posting limit (x-user-limit-24hour-*)."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    daily_limit: int | None = None
    daily_remaining: int | None = None
    daily_reset_at: datetime | None = None
