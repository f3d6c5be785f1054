"""Mastodon's rate limit: 300 calls per account in each 5-minute window, with its headers,
counted in the database so every server process agrees."""

from xsandbox.mastodon.errors import reset_header
from xsandbox.models import MastodonAccount, MastodonRateWindow

WINDOW_SECONDS = 5 * 60
LIMIT = 300


def count_request(account: MastodonAccount) -> tuple[int, int, int, bool]:
    """Count one call; returns (limit, remaining, reset as Unix seconds, over the limit).
    Windows open on the clock, as Rack::Attack's do."""
    window = MastodonRateWindow.count_request(WINDOW_SECONDS, on_the_clock=True, account=account)
    reset = window.window_start + WINDOW_SECONDS
    return LIMIT, max(LIMIT - window.count, 0), reset, window.count > LIMIT


def with_rate_headers(response, limit: int, remaining: int, reset: int):
    response["X-RateLimit-Limit"] = str(limit)
    response["X-RateLimit-Remaining"] = str(remaining)
    response["X-RateLimit-Reset"] = reset_header(reset)
    return response
