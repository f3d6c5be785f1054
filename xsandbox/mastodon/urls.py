"""The Mastodon sandbox's URLs under /xsandbox/mastodon/: Mastodon's own API paths, and
pages at Mastodon's web paths (/@user, /@user/id). xsandbox/urls.py mounts both."""

from django.urls import URLPattern, path

from xsandbox.bridge import pages as bridge_pages
from xsandbox.mastodon import api, oauth, pages
from xsandbox.pages import VisibleUserIds

api_patterns = [
    path("api/v1/apps", oauth.apps, name="mastodon_apps"),
    path("oauth/token", oauth.token, name="mastodon_token"),
    path("api/v2/instance", api.instance, name="mastodon_instance"),
    path(
        "api/v1/accounts/verify_credentials",
        api.verify_credentials,
        name="mastodon_verify_credentials",
    ),
    path(
        "api/v1/accounts/update_credentials",
        api.update_credentials,
        name="mastodon_update_credentials",
    ),
    path(
        "api/v1/accounts/<str:account_id>/statuses",
        api.account_statuses,
        name="mastodon_account_statuses",
    ),
    path("api/v1/statuses", api.statuses, name="mastodon_statuses"),
    path("api/v1/statuses/<str:status_id>", api.status, name="mastodon_status"),
    path("api/v1/statuses/<str:status_id>/context", api.context, name="mastodon_context"),
    path("api/v2/media", api.media_upload, name="mastodon_media_upload"),
    path("api/v1/media/<str:media_id>", api.media_item, name="mastodon_media"),
    path("api/v1/notifications", api.notifications, name="mastodon_notifications"),
]


def page_patterns(visible_user_ids: VisibleUserIds) -> tuple[list[URLPattern], str]:
    """The pages and the authorize page, in the namespace `mastodon`."""
    given = {"visible_user_ids": visible_user_ids}
    return [
        path("", pages.timeline, given, name="timeline"),
        path("oauth/authorize", oauth.authorize, given, name="authorize"),
        path("media/<int:pk>/", pages.media_file, given, name="media"),
        path("@<str:username>", pages.account, given, name="account"),
        path("@<str:username>/bridge", bridge_pages.mastodon, given, name="bridge"),
        path("@<str:username>/<str:status_id>", pages.status, given, name="status"),
    ], "mastodon"
