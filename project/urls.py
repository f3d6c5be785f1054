"""Aviary's URLs: the site's pages, the admin, login, and the X API sandbox."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import views as dashboard_views

admin.site.site_header = "Aviary"
admin.site.site_title = "Aviary admin"
admin.site.index_title = "Your flock"

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("bots/", include("dashboard.urls")),
    path("corpora/", include("corpora.urls")),
    path("tweets/", include("tweets.urls")),
    path("admin/", admin.site.urls),
    path("xsandbox/", include("xsandbox.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
