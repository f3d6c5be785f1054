"""Actions that take something away are never one click: with JavaScript, static/js/confirm.js
asks and sends `confirmed=yes`; without it, the action's own URL shows a page that asks."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

CONFIRMED_FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == "yes"


def ask_first(request: HttpRequest, *, question: str, action: str, cancel_url: str) -> HttpResponse:
    """The page asking `question` at this URL, with a button that does `action`; a POST that
    was not confirmed comes back to it as a GET, so a reload never repeats a POST."""
    if request.method != "GET":
        return redirect(request.path)
    context = {"question": question, "action": action, "cancel_url": cancel_url}
    return render(request, "confirm.html", context)
