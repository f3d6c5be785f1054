"""The site's own error pages: branded, in the base layout, and within the
Content-Security-Policy (no inline style or script, as Django's plain pages have)."""

from django.http import HttpResponse
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
