"""3-legged OAuth's state changes, as X makes them: a request token issued to an app, approved
or denied by a person on the authorize page, then exchanged once for the account's access
token (the same one each time the app is authorized again)."""

import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.utils import timezone

from xsandbox.models import OUT_OF_BAND, Account, App, Grant, RequestToken

PIN_DIGITS = 7
VERIFIER_LENGTH = 32


def is_callback_url(url: str) -> bool:
    """Whether a browser can be sent back to `url`: an absolute http(s) URL."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def callback_accepted(app: App, callback: str) -> bool:
    """Whether X would take this oauth_callback from the app: "oob", or an http(s) URL that
    is one of the app's registered callbacks (with or without a query of its own) when it
    has any."""
    if callback == OUT_OF_BAND:
        return True
    if not is_callback_url(callback):
        return False
    if not app.callback_urls:
        return True
    without_query = urlunsplit(urlsplit(callback)._replace(query="", fragment=""))
    return callback in app.callback_urls or without_query in app.callback_urls


def issue_request_token(app: App, *, callback: str) -> RequestToken:
    """A new request token for the app, to be approved on the authorize page. Writes one row."""
    return RequestToken.objects.create(app=app, callback=callback)


def pending_request_token(token: str) -> RequestToken | None:
    """The request token a person may still approve or deny, or None (unknown, expired, used)."""
    return (
        RequestToken.objects.pending(timezone.now())
        .select_related("app")
        .filter(token=token)
        .first()
    )


@transaction.atomic
def approve_request_token(
    request_token: RequestToken, *, account: Account | None = None, new_handle: str = ""
) -> RequestToken | None:
    """The person approves: the token is attached to `account` (or to a new account with
    `new_handle`) and given its verifier, a 7-digit PIN for the out-of-band flow. Writes the
    token row (and the new account). None when the token was decided meanwhile."""
    locked = _locked_pending(request_token)
    if locked is None:
        return None
    locked.account = account or Account.objects.create(handle=new_handle, name=new_handle)
    locked.verifier = _pin() if locked.is_out_of_band else _verifier()
    locked.save(update_fields=["account", "verifier"])
    return locked


@transaction.atomic
def deny_request_token(request_token: RequestToken) -> RequestToken | None:
    """The person cancels: the token can never be exchanged. Writes the token row. None when
    the token was decided meanwhile."""
    locked = _locked_pending(request_token)
    if locked is None:
        return None
    locked.denied = True
    locked.save(update_fields=["denied"])
    return locked


@transaction.atomic
def exchange_request_token(request_token: RequestToken) -> Grant | None:
    """The app's access token for the account the person approved: its Grant, created the
    first time. The request token is used up, once: None when it was already (two exchanges
    racing). Writes the token row and maybe a Grant."""
    claimed = RequestToken.objects.filter(pk=request_token.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not claimed:
        return None
    # get_or_create settles a race with another exchange for the same app and account.
    grant, _ = Grant.objects.get_or_create(
        app_id=request_token.app_id, account_id=request_token.account_id
    )
    return grant


def callback_url(request_token: RequestToken, **params: str) -> str:
    """The app's callback with `params` added to whatever query it already has."""
    parts = urlsplit(request_token.callback)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


def _locked_pending(request_token: RequestToken) -> RequestToken | None:
    # Locked, so of two decisions racing (a double submit, two tabs) the second finds the
    # token decided.
    return (
        RequestToken.objects.pending(timezone.now())
        .select_for_update(of=("self",))
        .select_related("app")
        .filter(pk=request_token.pk)
        .first()
    )


def _pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def _verifier() -> str:
    return secrets.token_urlsafe(VERIFIER_LENGTH)[:VERIFIER_LENGTH]
