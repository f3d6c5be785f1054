"""The sandbox's oauth/authorize page, as X's: the person signed in here chooses (or creates)
the sandbox account an app may speak as, then is sent back to the app's callback with the
verifier, or shown the PIN when the app asked for "oob".

Like X, it remembers the account last authorized in this browser: without force_login=true
it offers that account at once; with it (as Aviary asks, to connect bot after bot) the
chooser is always shown.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from xsandbox.forms import AuthorizeForm
from xsandbox.models import Account
from xsandbox.pages import VisibleUserIds, visible_accounts
from xsandbox.signin import (
    approve_request_token,
    callback_url,
    deny_request_token,
    pending_request_token,
)

REMEMBERED_ACCOUNT = "xsandbox_signed_in_account"


@login_required
def authorize(request, *, visible_user_ids: VisibleUserIds):
    asked = request.POST if request.method == "POST" else request.GET
    request_token = pending_request_token(asked.get("oauth_token", ""))
    if request_token is None:
        return _invalid(request)
    if request.method == "POST" and request.POST.get("decision") == "cancel":
        return _denied(request, request_token)
    accounts = visible_accounts(request, visible_user_ids)
    form = AuthorizeForm(
        request.POST if request.method == "POST" else None,
        accounts=accounts,
        initial=_initial(request_token, accounts, request.GET.get("screen_name", "")),
    )
    if form.is_valid():
        return _approved(request, request_token, form)
    force_login = request.GET.get("force_login", "").lower() in ("true", "1")
    remembered = None
    if request.method == "GET" and not force_login:
        remembered = accounts.filter(pk=request.session.get(REMEMBERED_ACCOUNT)).first()
    context = {"request_token": request_token, "form": form, "remembered": remembered}
    return render(request, "xsandbox/requesttoken_authorize.html", context)


def _initial(request_token, accounts, screen_name: str) -> dict:
    """The named account preselected when it is the person's, else a new one by that name;
    with no name, a new account under a free handle, so connecting takes one click here."""
    handle = screen_name.strip().lstrip("@")
    named = accounts.filter(handle__iexact=handle).first() if handle else None
    if named:
        return {"oauth_token": request_token.token, "account": named.handle}
    return {"oauth_token": request_token.token, "account": "", "new_handle": handle or _free()}


def _free() -> str:
    """A handle no sandbox account has yet: sandbox_bot_N, N one past the accounts."""
    n = Account.objects.count() + 1
    while Account.objects.filter(handle__iexact=f"sandbox_bot_{n}").exists():
        n += 1
    return f"sandbox_bot_{n}"


def _approved(request, request_token, form):
    approved = approve_request_token(
        request_token,
        account=form.cleaned_data["account"],
        new_handle=form.cleaned_data["new_handle"],
    )
    if approved is None:
        return _invalid(request)
    request.session[REMEMBERED_ACCOUNT] = approved.account_id
    if approved.is_out_of_band:
        return render(request, "xsandbox/requesttoken_pin.html", {"request_token": approved})
    return redirect(
        callback_url(approved, oauth_token=approved.token, oauth_verifier=approved.verifier)
    )


def _denied(request, request_token):
    denied = deny_request_token(request_token)
    if denied is None:
        return _invalid(request)
    if denied.is_out_of_band:
        return render(request, "xsandbox/requesttoken_denied.html", {"request_token": denied})
    return redirect(callback_url(denied, denied=denied.token))


def _invalid(request):
    return render(request, "xsandbox/requesttoken_invalid.html", status=400)
