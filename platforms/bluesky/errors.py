"""What a PDS's refusals mean for Aviary: atproto's errors as platforms.base errors."""

import time
from datetime import UTC, datetime, timedelta

import httpx
from atproto_client.models.common import XrpcError

from platforms.base import (
    BadRequest,
    Forbidden,
    PlatformError,
    RateLimited,
    Transient,
    Unauthorized,
)

# The answers that say the session's tokens, not the account, are the trouble.
TOKEN_ERRORS = {"ExpiredToken", "InvalidToken"}
# A taken rkey: the PDS answers 500 today; a later lexicon names the error.
TAKEN = ("RecordAlreadyExists", "already exists")


class SessionRefused(Unauthorized):
    """The session's tokens were refused (expired, revoked), not the account: renew it."""


def error_for(write: bool, error, *, signing_in: bool) -> PlatformError:
    """The platforms.base error for what atproto raised."""
    response = error.response
    if response is None:
        cause = error.__cause__
        never_sent = isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)
        if isinstance(cause, httpx.TimeoutException) and not never_sent:
            reason = "Bluesky did not answer in time."
        elif never_sent:
            reason = f"Could not connect to Bluesky ({type(cause).__name__})."
        else:
            reason = f"The connection to Bluesky failed ({type(cause).__name__})."
        return Transient(reason, ambiguous=write and not never_sent)
    status = response.status_code
    name, message = _xrpc_error(response.content)
    said = f": {name} {message}".rstrip() if name or message else "."
    if name in TOKEN_ERRORS and status in (400, 401, 403) and not signing_in:
        return SessionRefused(f"Bluesky refused the session ({status}){said}", status=status)
    if status in (401, 403):
        if signing_in or status == 401:
            return Unauthorized(
                f"Bluesky refused the bot's sign-in ({status}){said} Check the handle and "
                "app password on the bot's page.",
                status=status,
            )
        return Forbidden(f"Bluesky forbids this for the account (403){said}", status=status)
    if status == 429:
        reset_at = epoch(response.headers.get("ratelimit-reset")) or _from_now(minutes=5)
        wait = max(0, int(reset_at.timestamp() - time.time()))
        reason = "Bluesky's rate limit was reached (429)"
        if signing_in:
            reason = (
                "Bluesky's sign-in limit (createSession: 30 per 5 minutes, 300 a day) was reached"
            )
        return RateLimited(f"{reason}. Waiting {wait} s until it resets.", reset_at=reset_at)
    if status >= 500:
        if any(word in message for word in TAKEN):
            return BadRequest(f"Bluesky refused the record ({status}){said}", status=status)
        return Transient(
            f"Bluesky had a server error ({status}){said}", status=status, ambiguous=write
        )
    return BadRequest(f"Bluesky refused the request ({status}){said}", status=status)


def _xrpc_error(content) -> tuple[str, str]:
    if isinstance(content, XrpcError):
        return str(content.error or ""), str(content.message or "")[:500]
    return "", ""


def epoch(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value and value.isdigit() else None


def _from_now(**delta) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)
