"""Rate limits as X counts them: requests per account and endpoint in 15-minute windows,
and posts per rolling 24 hours, kept in the database so every server process agrees."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from xsandbox.models import Account, Post, RateWindow

WINDOW_SECONDS = 15 * 60
# Requests per 15 minutes per user, as X documents them for OAuth 1.0a user context.
LIMITS = {
    "me": 75,
    "create_post": 100,
    "delete_post": 50,
    "user_posts": 900,
    "mentions": 300,
    "media_upload": 500,
    "media_metadata": 500,
    "usage": 50,
}
APP_DAILY_POSTS = 10_000


def count_request(account: Account, endpoint: str) -> tuple[int, int, int, bool]:
    """Count one request; returns (limit, remaining, reset as Unix seconds, over the limit).
    A window opens with the first request after the last one closed, as X's do."""
    window = RateWindow.count_request(
        WINDOW_SECONDS, on_the_clock=False, account=account, endpoint=endpoint
    )
    limit = LIMITS[endpoint]
    reset = window.window_start + WINDOW_SECONDS
    return limit, max(limit - window.count, 0), reset, window.count > limit


def with_rate_headers(response, limit: int, remaining: int, reset: int):
    response["x-rate-limit-limit"] = str(limit)
    response["x-rate-limit-remaining"] = str(remaining)
    response["x-rate-limit-reset"] = str(reset)
    return response


def daily_posts(account: Account) -> tuple[dict[str, str], bool]:
    """The x-user-limit-24hour-* and x-app-limit-24hour-* headers for a new post, and
    whether the user's 24-hour posting limit leaves no room for it."""
    since = timezone.now() - timedelta(hours=24)
    recent = Post.objects.filter(account=account, created_at__gte=since)
    posted = recent.count()
    oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
    reset = int(((oldest or timezone.now()) + timedelta(hours=24)).timestamp())
    user_limit = settings.XSANDBOX_DAILY_POST_LIMIT
    headers = {}
    for prefix, limit in (("x-user-limit", user_limit), ("x-app-limit", APP_DAILY_POSTS)):
        headers[f"{prefix}-24hour-limit"] = str(limit)
        headers[f"{prefix}-24hour-remaining"] = str(max(limit - posted - 1, 0))
        headers[f"{prefix}-24hour-reset"] = str(reset)
    return headers, posted >= user_limit
