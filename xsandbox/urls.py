"""The X API sandbox's URLs: X's own paths under /xsandbox/, and its timeline pages."""

from django.urls import path

from xsandbox import api, pages

app_name = "xsandbox"

urlpatterns = [
    path("2/users/me", api.me, name="me"),
    path("2/tweets", api.tweets, name="tweets"),
    path("2/tweets/<str:post_id>", api.tweet, name="tweet"),
    path("2/users/<str:user_id>/tweets", api.user_posts, name="user_posts"),
    path("2/users/<str:user_id>/mentions", api.mentions, name="mentions"),
    path("2/media/upload", api.media_upload, name="media_upload"),
    path("2/media/metadata", api.media_metadata, name="media_metadata"),
    path("", pages.timeline, name="timeline"),
    path("media/<int:pk>/", pages.media_file, name="media"),
    path("status/<str:post_id>/", pages.post, name="post"),
    path("<str:handle>/", pages.account, name="account"),
]
