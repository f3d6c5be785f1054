"""The X API sandbox's URLs: X's own paths under /xsandbox/, and its timeline pages.

project/urls.py mounts both: `api_patterns` as they are (OAuth-checked, like X), and
`page_patterns(visible_user_ids)` with the project's answer to "whose accounts may this person
see", since the sandbox knows nothing of bots or their owners.
"""

from django.urls import URLPattern, include, path

from xsandbox import api, authorize, pages, signin_api
from xsandbox.bluesky import urls as bluesky_urls
from xsandbox.mastodon import urls as mastodon_urls

app_name = "xsandbox"

api_patterns = [
    path("2/users/me", api.me, name="me"),
    path("2/tweets", api.tweets, name="tweets"),
    path("2/tweets/<str:post_id>", api.tweet, name="tweet"),
    path("2/users/<str:user_id>/tweets", api.user_posts, name="user_posts"),
    path("2/users/<str:user_id>/mentions", api.mentions, name="mentions"),
    path("2/media/upload", api.media_upload, name="media_upload"),
    path("2/media/metadata", api.media_metadata, name="media_metadata"),
    path("2/usage/tweets", api.usage_tweets, name="usage_tweets"),
    path("oauth/request_token", signin_api.request_token, name="request_token"),
    path("oauth/access_token", signin_api.access_token, name="access_token"),
    path("mastodon/", include(mastodon_urls.api_patterns)),
    path("bluesky/", include(bluesky_urls.api_patterns)),
]


def page_patterns(visible_user_ids: pages.VisibleUserIds) -> list[URLPattern]:
    """The timeline pages and X's authorize page, each showing only the accounts
    `visible_user_ids(user)` names. Last, because an account's page takes any handle."""
    given = {"visible_user_ids": visible_user_ids}
    return [
        path("", pages.timeline, given, name="timeline"),
        path("media/<int:pk>/", pages.media_file, given, name="media"),
        path("status/<str:post_id>/", pages.post, given, name="post"),
        path("oauth/authorize", authorize.authorize, given, name="authorize"),
        path("mastodon/", include(mastodon_urls.page_patterns(visible_user_ids))),
        path("bluesky/", include(bluesky_urls.page_patterns(visible_user_ids))),
        path("<str:handle>/", pages.account, given, name="account"),
    ]


def patterns(visible_user_ids: pages.VisibleUserIds) -> tuple[list[URLPattern], str]:
    """Everything the sandbox serves, for `include()`: the API, then the pages."""
    return [*api_patterns, *page_patterns(visible_user_ids)], app_name
