"""URLs of the review queue and tweet actions."""

from django.urls import path

from tweets import views

app_name = "tweets"

urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/bulk/", views.bulk, name="bulk"),
    path("count/", views.count, name="count"),
    path("<int:pk>/", views.card, name="card"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/approve-at/", views.approve_at, name="approve_at"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/mark-posted/", views.mark_posted, name="mark_posted"),
    path("<int:pk>/post-again/", views.post_again, name="post_again"),
    path("<int:pk>/images/", views.images, name="images"),
    path("bots/<int:bot_pk>/history/", views.bot_history, name="history"),
    path("bots/<int:bot_pk>/history.csv", views.bot_history_csv, name="history_csv"),
    path("bots/<int:bot_pk>/notices/", views.notices_toggle, name="notices"),
]
