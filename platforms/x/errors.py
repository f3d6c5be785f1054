"""X's answers as platforms.base errors that say what to do next: RFC 7807 problems,
rate limits with their reset, and the network failures that may or may not have sent a
request."""

import logging
import time
from datetime import UTC, datetime, timedelta

import requests
from urllib3.exceptions import NewConnectionError

from platforms.base import (
    BadRequest,
    DuplicateContent,
    Forbidden,
    OutOfCredit,
    PlatformError,
    RateLimited,
    ReplyRefused,
    Transient,
    Unauthorized,
)

log = logging.getLogger(__name__)

DUPLICATE_DETAIL = "duplicate content"
# 403s that refuse this one post (its text, the post it replies to), not the account.
POST_REFUSALS = ("too long", "deleted or not visible")
# X's 403 for a reply to a post whose author did not mention or quote the account (since
# 23 February 2026): this reply is refused, the account is fine.
REPLY_NOT_ALLOWED = "reply to this conversation is not allowed"
USAGE_CAPPED = "usage-capped"
CREDITS_DEPLETED = "credits-depleted"


def _problem(response: requests.Response) -> tuple[str, str]:
    """X's explanation (RFC 7807 `detail`/`title`, or the older `errors` list) and its type."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    detail = body.get("detail") or body.get("title") or ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        message = errors[0].get("message") or errors[0].get("detail") or ""
        detail = f"{detail} {message}".strip() if message not in detail else detail
    return str(detail)[:500], str(body.get("type", ""))


def http_error(method: str, response: requests.Response) -> PlatformError:
    status = response.status_code
    detail, kind = _problem(response)
    said = f": {detail}" if detail else "."
    if status == 401:
        return Unauthorized(
            "X refused the bot's credentials (401 Unauthorized). Check the four keys and "
            "tokens on the bot's page, then verify them.",
            status=status,
        )
    if status == 402 or CREDITS_DEPLETED in kind:
        return OutOfCredit(
            "The X account is out of API credit (402). Top it up in the X developer console; "
            "queued posts wait until then.",
            status=status,
        )
    if status == 403 and DUPLICATE_DETAIL in detail.lower():
        return DuplicateContent(f"X refused a duplicate of a recent post{said}", status=status)
    if status == 403 and REPLY_NOT_ALLOWED in detail.lower():
        return ReplyRefused(
            f"X allows no reply to this post: its author did not mention or quote the bot{said}",
            status=status,
        )
    if status == 403 and any(refusal in detail.lower() for refusal in POST_REFUSALS):
        return BadRequest(f"X refused this post (403){said}", status=status)
    if status == 403:
        return Forbidden(f"X forbids this for the account (403){said}", status=status)
    if status == 429:
        return rate_limited(response, kind)
    if status >= 500:
        return Transient(
            f"X had a server error ({status}){said}", status=status, ambiguous=method != "GET"
        )
    return BadRequest(f"X refused the request ({status}){said}", status=status)


def rate_limited(response: requests.Response, kind: str) -> RateLimited:
    """A 429 waits for the window that ran out: the usage cap's, a 24-hour posting limit
    with nothing remaining, or else the 15-minute window of x-rate-limit-reset."""
    headers = response.headers
    daily = [
        epoch(headers.get(f"{scope}-24hour-reset"))
        for scope in ("x-user-limit", "x-app-limit")
        if USAGE_CAPPED in kind or headers.get(f"{scope}-24hour-remaining") == "0"
    ]
    daily = [reset for reset in daily if reset]
    window = epoch(headers.get("x-rate-limit-reset"))
    if USAGE_CAPPED in kind:
        reason = "The X app or account reached its usage cap (429 usage capped)."
        reset_at = max(daily) if daily else window or _from_now(hours=24)
    elif daily:
        reason = "X's 24-hour posting limit was reached (429)."
        reset_at = max(daily)
    else:
        reason = "X's rate limit was reached (429)."
        reset_at = window or _from_now(minutes=15)
    wait = max(0, int(reset_at.timestamp() - time.time()))
    return RateLimited(f"{reason} Waiting {wait} s until it resets.", reset_at=reset_at)


def epoch(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value and value.isdigit() else None


def _from_now(**delta) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


def unreadable(method: str) -> Transient:
    return Transient("X's answer could not be read.", status=None, ambiguous=method != "GET")


def _never_sent(error: requests.RequestException) -> bool:
    """True when the request certainly never reached X: no connection was made (refused,
    name not resolved, connect timeout, TLS handshake failed) or the URL is unusable."""
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


def network_error(method: str, error: requests.RequestException) -> Transient:
    never_sent = _never_sent(error)
    if isinstance(error, requests.ReadTimeout):
        reason = "X did not answer in time."
    elif never_sent:
        reason = f"Could not connect to X ({type(error).__name__})."
    else:
        reason = f"The connection to X failed ({type(error).__name__})."
    return Transient(reason, ambiguous=method != "GET" and not never_sent)
