"""The Bluesky sandbox's sessions, as a PDS keeps them: createSession with an app password
(30 per 5 minutes and 300 a day per account), refreshSession spending its refresh token once,
the DID document naming this sandbox as the account's PDS, and bearer tokens checked."""

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from xsandbox.bluesky import errors, tokens
from xsandbox.models import BlueskyAccount, BlueskySession

SIGN_IN_LIMITS = ((30, timedelta(minutes=5)), (300, timedelta(days=1)))
REFRESH_LIFETIME = timedelta(days=60)


@csrf_exempt
def create_session(request):
    """com.atproto.server.createSession: an app password signs in, at most 30 times in 5
    minutes and 300 a day per account, as Bluesky limits it."""
    if request.method != "POST":
        return errors.invalid("Use POST for com.atproto.server.createSession.")
    body = json_body(request)
    identifier = str(body.get("identifier") or "").lower().removeprefix("@")
    password = str(body.get("password") or "")
    if not identifier or not password:
        return errors.invalid("identifier and password are required")
    account = BlueskyAccount.objects.filter(Q(handle=identifier) | Q(did=identifier)).first()
    if account is not None:
        for limit, window in SIGN_IN_LIMITS:
            since = timezone.now() - window
            made = account.sessions.filter(signed_in=True, created_at__gte=since)
            if made.count() >= limit:
                oldest = made.order_by("created_at").values_list("created_at", flat=True)[0]
                reset = int((oldest + window).timestamp()) + 1
                return errors.rate_limited(limit, reset, int(window.total_seconds()))
    if account is None or not check_password(password, account.app_password_hash):
        return errors.authentication_required("Invalid identifier or password")
    return JsonResponse(_new_session(request, account, signed_in=True))


@csrf_exempt
def refresh_session(request):
    """com.atproto.server.refreshSession: the refresh token (once) for a new session."""
    if request.method != "POST":
        return errors.invalid("Use POST for com.atproto.server.refreshSession.")
    try:
        claims = tokens.verify(_token(request), scope=tokens.REFRESH)
    except tokens.BadToken as error:
        return errors.xrpc_error(400, error.name, error.message)
    with transaction.atomic():
        spent = BlueskySession.objects.filter(jti=claims["jti"], spent_at__isnull=True).update(
            spent_at=timezone.now()
        )
        session = BlueskySession.objects.select_related("account").filter(jti=claims["jti"]).first()
        if not spent or session is None:
            return errors.xrpc_error(400, "ExpiredToken", "Token has been revoked")
        return JsonResponse(_new_session(request, session.account, signed_in=False))


def _new_session(request, account: BlueskyAccount, *, signed_in: bool) -> dict:
    jti = secrets.token_urlsafe(24)
    BlueskySession.objects.create(account=account, jti=jti, signed_in=signed_in)
    access = tokens.issue(
        did=account.did, scope=tokens.ACCESS, lifetime=settings.XSANDBOX_BLUESKY_ACCESS_SECONDS
    )
    refresh = tokens.issue(
        did=account.did, scope=tokens.REFRESH, lifetime=REFRESH_LIFETIME.total_seconds(), jti=jti
    )
    return {
        "accessJwt": access,
        "refreshJwt": refresh,
        "handle": account.handle,
        "did": account.did,
        "didDoc": did_doc(request, account),
        "active": True,
    }


def did_doc(request, account: BlueskyAccount) -> dict:
    """The account's DID document, naming this sandbox as its PDS (the client follows it)."""
    endpoint = request.build_absolute_uri(reverse("xsandbox:bluesky_timeline")).rstrip("/")
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": account.did,
        "alsoKnownAs": [f"at://{account.handle}"],
        "verificationMethod": [],
        "service": [
            {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": endpoint}
        ],
    }


def bearer(request, scope: str):
    """The account an access token speaks for, or the XRPC error to answer."""
    token = _token(request)
    if not token:
        return errors.authentication_required()
    try:
        claims = tokens.verify(token, scope=scope)
    except tokens.BadToken as error:
        return errors.xrpc_error(400, error.name, error.message)
    account = BlueskyAccount.objects.filter(did=claims.get("sub")).first()
    if account is None:
        return errors.authentication_required("Account not found")
    return account


def _token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
