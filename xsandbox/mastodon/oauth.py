"""Mastodon's app registration and OAuth 2 code flow, as an instance answers them:
POST /api/v1/apps, the /oauth/authorize page (the person signed in here chooses or creates
the sandbox account the app may speak as), and POST /oauth/token."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from platforms.mastodon.handles import is_valid_handle
from xsandbox.mastodon import errors
from xsandbox.models import (
    MASTODON_ID_OFFSET,
    MastodonAccount,
    MastodonApp,
    MastodonAuthorization,
    MastodonToken,
    pk_from,
)
from xsandbox.pages import VisibleUserIds

OUT_OF_BAND = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)
# Doorkeeper's words, as Mastodon answers them.
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
USERNAME_RULE = "A username is 1 to 30 letters, digits or underscores."


@csrf_exempt
def apps(request):
    """POST /api/v1/apps: register an app; its client id and secret, once."""
    if request.method != "POST":
        return errors.error(405, "Method not allowed")
    fields = request.POST
    name = fields.get("client_name", "").strip()
    redirect_uris = [
        uri.strip()
        for value in (fields.getlist("redirect_uris[]") or fields.getlist("redirect_uris"))
        for uri in value.splitlines()
        if uri.strip()
    ]
    if not name:
        return errors.invalid("Application name can't be blank")
    if not redirect_uris:
        return errors.invalid("Redirect URI can't be blank")
    scopes = " ".join(fields.get("scopes", "read").split()) or "read"
    app = MastodonApp.objects.create(
        name=name[:100],
        website=fields.get("website", "")[:200],
        redirect_uris=redirect_uris,
        scopes=scopes,
    )
    return JsonResponse(
        {
            "id": str(app.pk),
            "name": app.name,
            "website": app.website or None,
            "scopes": scopes.split(),
            "redirect_uri": "\n".join(redirect_uris),
            "redirect_uris": redirect_uris,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "client_secret_expires_at": 0,
            "vapid_key": "",
        }
    )


class AuthorizeForm(forms.Form):
    """One of the person's accounts, or the username of a new one."""

    account = forms.ModelChoiceField(
        queryset=MastodonAccount.objects.none(),
        required=False,
        to_field_name="username",
        widget=forms.RadioSelect,
        empty_label="A new account",
        blank=True,
        label="Sandbox account",
    )
    new_username = forms.CharField(required=False, max_length=31, label="New account's username")

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.accounts = accounts

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account") or "account" in self.errors:
            return cleaned
        username = cleaned.get("new_username", "").strip().lstrip("@")
        if not username:
            raise forms.ValidationError("Choose an account, or give a username for a new one.")
        if not is_valid_handle(f"{username}@sandbox"):
            self.add_error("new_username", USERNAME_RULE)
        elif MastodonAccount.objects.filter(username__iexact=username).exists():
            self.add_error("new_username", "That username is taken in the sandbox.")
        cleaned["new_username"] = username
        return cleaned


@login_required
def authorize(request, *, visible_user_ids: VisibleUserIds):
    """GET /oauth/authorize?client_id&redirect_uri&response_type=code&scope&state."""
    asked = request.POST if request.method == "POST" else request.GET
    app = MastodonApp.objects.filter(client_id=asked.get("client_id", "")).first()
    redirect_uri = asked.get("redirect_uri", "")
    if app is None or redirect_uri not in app.redirect_uris or asked.get("response_type") != "code":
        return render(request, "xsandbox/mastodon/authorize_invalid.html", status=400)
    state = asked.get("state", "")
    scopes = " ".join(asked.get("scope", "read").split()) or "read"
    if request.method == "POST" and request.POST.get("decision") == "deny":
        return _back(
            redirect_uri,
            error="access_denied",
            state=state,
            error_description="The resource owner or authorization server denied the request.",
        )
    accounts = visible_accounts(request, visible_user_ids)
    form = AuthorizeForm(request.POST if request.method == "POST" else None, accounts=accounts)
    if form.is_valid():
        with transaction.atomic():
            account = form.cleaned_data["account"] or MastodonAccount.objects.create(
                username=form.cleaned_data["new_username"],
                display_name=form.cleaned_data["new_username"],
            )
            grant = MastodonAuthorization.objects.create(
                app=app, account=account, redirect_uri=redirect_uri, scopes=scopes
            )
        if redirect_uri == OUT_OF_BAND:
            return render(request, "xsandbox/mastodon/authorize_code.html", {"code": grant.code})
        return _back(redirect_uri, code=grant.code, state=state)
    context = {"app": app, "form": form, "asked": asked, "scopes": scopes.split()}
    return render(request, "xsandbox/mastodon/authorize.html", context)


def visible_accounts(request, visible_user_ids: VisibleUserIds, *, mirrors: bool = False):
    """The sandbox's Mastodon accounts this person may see (None: every one): the local
    ones, and with `mirrors` Bridgy Fed's accounts for the Bluesky accounts they may see."""
    ids = visible_user_ids(request.user)
    accounts = MastodonAccount.objects.order_by("username")
    if not mirrors:
        accounts = accounts.filter(domain="")
    if ids is None:
        return accounts
    mine = Q(pk__in={pk_from(i, MASTODON_ID_OFFSET) for i in ids} - {None})
    return accounts.filter(mine | Q(bridge_of__did__in=ids) if mirrors else mine)


def _back(redirect_uri: str, **params):
    query = urlencode({name: value for name, value in params.items() if value})
    return redirect(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}")


@csrf_exempt
def token(request):
    """POST /oauth/token, grant_type=authorization_code: the code (once) for a token."""
    if request.method != "POST":
        return errors.error(405, "Method not allowed")
    fields = request.POST
    app = MastodonApp.objects.filter(client_id=fields.get("client_id", "")).first()
    if app is None or app.client_secret != fields.get("client_secret", ""):
        return errors.error(
            401,
            "invalid_client",
            error_description=INVALID_CLIENT,
        )
    if fields.get("grant_type") != "authorization_code":
        return errors.error(
            400,
            "unsupported_grant_type",
            error_description=UNSUPPORTED_GRANT,
        )
    now = timezone.now()
    with transaction.atomic():
        grant = (
            MastodonAuthorization.objects.select_for_update()
            .filter(
                app=app,
                code=fields.get("code", ""),
                used_at__isnull=True,
                created_at__gte=now - CODE_LIFETIME,
            )
            .first()
        )
        if grant is None or grant.redirect_uri != fields.get("redirect_uri", ""):
            return errors.error(
                400,
                "invalid_grant",
                error_description=INVALID_GRANT,
            )
        MastodonAuthorization.objects.filter(pk=grant.pk).update(used_at=now)
        row, issued = MastodonToken.issue(account=grant.account, app=app, scopes=grant.scopes)
    return JsonResponse(
        {
            "access_token": issued,
            "token_type": "Bearer",
            "scope": row.scopes,
            "created_at": int(now.timestamp()),
        }
    )
