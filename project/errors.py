"""The site's own error pages: branded, in the base layout, and within the
Content-Security-Policy (no inline style or script, as Django's plain pages have)."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.template.loader import get_template


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Without the request's context: whatever failed (the database, a context processor)
    # must not fail this page too.
    return HttpResponse(get_template("500.html").render({}), status=500)


def branded_debug_404(get_response):
    """With DEBUG on (`make run`), Django answers an unknown page with its technical 404,
    whose inline styles the CSP blocks; people get the site's own page instead (the log
    still names the URL). The admin keeps Django's."""

    def middleware(request):
        response = get_response(request)
        technical = type(response) is HttpResponseNotFound and response.get(
            "Content-Type", ""
        ).startswith("text/html")
        if settings.DEBUG and technical and not request.path.startswith(settings.ADMIN_URL_PREFIX):
            return not_found(request)
        return response

    return middleware
