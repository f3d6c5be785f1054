"""Puts the banner of a form that failed into every page's context (pages.failed_forms)."""

from pages.failed_forms import taken


def form_banner(request) -> dict:
    kept = taken(request)
    if not kept:
        return {}
    return {"form_banner": {"title": kept["title"], "links": kept["links"]}}
