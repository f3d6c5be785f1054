"""URLs of the corpus pages."""

from django.urls import path

from corpora import views

app_name = "corpora"

urlpatterns = [
    path("", views.corpus_list, name="list"),
    path("<int:pk>/", views.corpus_detail, name="detail"),
    path("<int:pk>/sources/text/", views.add_source, {"kind": "text"}, name="add_text"),
    path("<int:pk>/sources/file/", views.add_source, {"kind": "file"}, name="add_file"),
    path(
        "<int:pk>/sources/x-archive/",
        views.add_source,
        {"kind": "x_archive"},
        name="add_x_archive",
    ),
    path("<int:pk>/sources/<int:source_pk>/remove/", views.remove_source, name="remove_source"),
    path("<int:pk>/bots/", views.link_bot, name="link_bot"),
    path("<int:pk>/rebuild/", views.rebuild, name="rebuild"),
    path("<int:pk>/preview/", views.preview, name="preview"),
]
