"""URLs of the bot pages, groups and activity, under /bots/ and named bots:... as people and
tests have always known them."""

from django.urls import path

from dashboard import budgets, connect, views, x_rules_views

app_name = "bots"

urlpatterns = [
    path("new/", connect.new_bot, name="new"),
    path("new/keys/", connect.new_bot_from_keys, name="new_keys"),
    path("new/bluesky/", connect.connect_bluesky, name="new_bluesky"),
    path("connect/callback/", connect.connect_callback, name="connect_callback"),
    path("connect/<int:pk>/pin/", connect.connect_pin, name="connect_pin"),
    path("connect/mastodon/", connect.connect_mastodon, name="connect_mastodon"),
    path("connect/mastodon/callback/", connect.mastodon_callback, name="mastodon_callback"),
    path("apps/", connect.app_list, name="apps"),
    path("apps/<int:pk>/", connect.app_detail, name="app"),
    path("<int:pk>/reconnect/", connect.reconnect, name="reconnect"),
    path("<int:pk>/reconnect/bluesky/", connect.reconnect_bluesky, name="reconnect_bluesky"),
    path("<int:pk>/owners/", connect.share, name="share"),
    path("<int:pk>/owners/<int:user_pk>/remove/", connect.unshare, name="unshare"),
    path("activity/", views.activity, name="activity"),
    path("budget/", budgets.site_budget, name="site_budget"),
    path("suggestions/", views.bot_suggestions, name="suggestions"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/pause/", views.group_action, {"action": "pause"}, name="group_pause"),
    path("groups/<int:pk>/resume/", views.group_action, {"action": "resume"}, name="group_resume"),
    path(
        "groups/<int:pk>/generate/",
        views.group_action,
        {"action": "generate"},
        name="group_generate",
    ),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:pk>/bots/", views.group_add_bot, name="group_add_bot"),
    path(
        "groups/<int:pk>/bots/<int:bot_pk>/remove/",
        views.group_remove_bot,
        name="group_remove_bot",
    ),
    path("<int:pk>/", views.bot_detail, name="detail"),
    path("<int:pk>/settings/", views.bot_settings, name="settings"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/listening/", views.listener, name="listener"),
    path("<int:pk>/x-checklist/", x_rules_views.checklist, name="x_checklist"),
    path("<int:pk>/do-not-reply/", x_rules_views.do_not_reply_add, name="do_not_reply_add"),
    path(
        "<int:pk>/do-not-reply/<int:entry_pk>/remove/",
        x_rules_views.do_not_reply_remove,
        name="do_not_reply_remove",
    ),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/resume-posting/", views.resume_posting, name="resume_posting"),
    path("<int:pk>/generate/", views.generate, name="generate"),
    path("<int:pk>/generate/<int:job_pk>/", views.generation_job, name="generation_job"),
    path("<int:pk>/gallery/", views.gallery, name="gallery"),
    path("<int:pk>/gallery/upload/", views.gallery_upload, name="gallery_upload"),
    path("<int:pk>/gallery/<int:image_pk>/alt/", views.image_alt_text, name="image_alt_text"),
    path("<int:pk>/gallery/<int:image_pk>/remove/", views.image_remove, name="image_remove"),
]
