"""A form that failed survives POST-redirect-GET: the POST view keeps its input and errors in
the session and redirects to the page at its banner, so the failure is in the first screen and
a reload is a plain GET; the page's GET binds the form again with them, and the banner (in the
base layout) names each field with a link to it, where its error is shown."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.forms.utils import ErrorDict
from django.forms.widgets import PasswordInput
from django.http import HttpRequest, HttpResponseRedirect, QueryDict

SESSION_KEY = "failed_form"
BANNER_ID = "form-banner"  # templates/includes/form_banner.html


def failed_form_redirect(
    request: HttpRequest, form: Form, *, to: str, key: str, title: str, anchor: str
) -> HttpResponseRedirect:
    """Keeps the failed `form` (keep_failed_form) and sends the person back to page `to`,
    at the banner."""
    keep_failed_form(request, form, key=key, title=title, anchor=anchor)
    return HttpResponseRedirect(f"{to}#{BANNER_ID}")


def keep_failed_form(request: HttpRequest, form: Form, *, key: str, title: str, anchor: str):
    """Writes the failed `form` into the session under `key`, `anchor` being the id of the
    form's section (where its errors not about one field show). Secrets (password inputs)
    and files are never kept: the person types or chooses them again."""
    secret = {
        name for name, field in form.fields.items() if isinstance(field.widget, PasswordInput)
    }
    data = {
        name: form.data.getlist(name)
        for name in form.data
        if name != "csrfmiddlewaretoken"
        and form.add_prefix(name) not in secret
        and name not in secret
    }
    links = []
    for name in form.errors:
        if name == NON_FIELD_ERRORS:
            links.append({"label": "the form", "id": anchor})
        else:
            links.append({"label": str(form[name].label), "id": form[name].auto_id})
    request.session[SESSION_KEY] = {
        "key": key,
        "title": title,
        "links": links,
        "data": data,
        "errors": form.errors.get_json_data(),
    }


def taken(request: HttpRequest) -> dict | None:
    """The failed form kept for this request, if any; taken from the session once, so it
    shows on the page it was redirected to and never again."""
    if not hasattr(request, "_failed_form"):
        session = getattr(request, "session", None)
        request._failed_form = session.pop(SESSION_KEY, None) if session is not None else None
    return request._failed_form


def restore_failed_form(request: HttpRequest, form_class, *, key: str, **kwargs) -> Form | None:
    """`form_class` bound to the input kept under `key`, showing the errors it had, or None."""
    kept = taken(request)
    if not kept or kept["key"] != key:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    form = form_class(data, **kwargs)
    # The errors the POST found, not a new validation: the files and secrets are gone.
    form._errors = ErrorDict(
        {
            name: form.error_class(
                [ValidationError(error["message"], code=error["code"]) for error in errors],
                error_class="nonfield" if name == NON_FIELD_ERRORS else None,
                renderer=form.renderer,
            )
            for name, errors in kept["errors"].items()
        },
        renderer=form.renderer,
    )
    form.cleaned_data = {}
    return form
