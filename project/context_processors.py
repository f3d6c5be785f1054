"""What every page's template is given beyond Django's own context."""

from django.conf import settings


def live(request) -> dict:
    """How often the live parts of a page refresh (static/js/live.js)."""
    return {"live_refresh_seconds": settings.LIVE_REFRESH_SECONDS}
