"""The Bluesky sandbox's URLs under /xsandbox/bluesky/: the PDS's XRPC methods at their
NSIDs under xrpc/, and the pages (mounted by xsandbox.urls)."""

from django.urls import URLPattern, path

from xsandbox.bluesky import api, pages, sessions
from xsandbox.bridge import pages as bridge_pages

api_patterns = [
    path(
        "xrpc/com.atproto.server.createSession",
        sessions.create_session,
        name="bluesky_create_session",
    ),
    path(
        "xrpc/com.atproto.server.refreshSession",
        sessions.refresh_session,
        name="bluesky_refresh_session",
    ),
    path("xrpc/com.atproto.server.getSession", api.get_session, name="bluesky_get_session"),
    path("xrpc/com.atproto.repo.createRecord", api.create_record, name="bluesky_create_record"),
    path("xrpc/com.atproto.repo.putRecord", api.put_record, name="bluesky_put_record"),
    path("xrpc/com.atproto.repo.getRecord", api.get_record, name="bluesky_get_record"),
    path("xrpc/com.atproto.repo.uploadBlob", api.upload_blob, name="bluesky_upload_blob"),
    path(
        "xrpc/com.atproto.identity.resolveHandle", api.resolve_handle, name="bluesky_resolve_handle"
    ),
    path("xrpc/app.bsky.actor.getProfile", api.get_profile, name="bluesky_get_profile"),
    path(
        "xrpc/app.bsky.notification.listNotifications",
        api.list_notifications,
        name="bluesky_list_notifications",
    ),
    path("xrpc/app.bsky.feed.getAuthorFeed", api.get_author_feed, name="bluesky_get_author_feed"),
]


def page_patterns(visible_user_ids: pages.VisibleUserIds) -> list[URLPattern]:
    given = {"visible_user_ids": visible_user_ids}
    return [
        path("", pages.timeline, given, name="bluesky_timeline"),
        path("blob/<str:did>/<str:cid>/", pages.blob, given, name="bluesky_blob"),
        path("profile/<str:handle>/", pages.profile, given, name="bluesky_profile"),
        path("profile/<str:handle>/bridge/", bridge_pages.bluesky, given, name="bluesky_bridge"),
        path("profile/<str:handle>/post/<str:rkey>/", pages.post, given, name="bluesky_post"),
    ]
