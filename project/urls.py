"""Aviary's URLs: the site's pages, the admin, login, gallery images, and (where
XSANDBOX_ENABLED) the X API sandbox, whose pages show each person the sandbox accounts of
their own bots."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bots.access import sandbox_user_ids_for
from dashboard import views as dashboard_views
from project.media import serve_media

handler403 = "project.errors.forbidden"
handler404 = "project.errors.not_found"
handler500 = "project.errors.server_error"

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
    # Gallery images, in every profile, only to those who may see their bot (project.media).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]

if settings.XSANDBOX_ENABLED:
    # Imported only here: without the app installed its models cannot even be imported.
    from xsandbox import urls as xsandbox_urls

    urlpatterns.append(path("xsandbox/", include(xsandbox_urls.patterns(sandbox_user_ids_for))))
