"""OAuth 1.0a checked as X checks it: HMAC-SHA1 over the URL the request was made to, a
timestamp within five minutes, and a nonce never used twice (oauthlib does the signature).

Two kinds of consumer sign requests: an Account's own key (the account's app, with its own
access token) and an App's key, speaking for the accounts connected to it by 3-legged OAuth
(each a Grant). The two token steps of that sign-in, oauth/request_token and
oauth/access_token, are checked by oauthlib's own endpoints (check_token_request).
"""

import hmac
import string
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    SignatureOnlyEndpoint,
)

from xsandbox.models import Account, App, Grant, Nonce, RequestToken
from xsandbox.signin import callback_accepted

TIMESTAMP_WINDOW_SECONDS = 300
PURGE_EVERY_SECONDS = 60
_next_purge = 0.0
DUMMY_SECRET = "dummy-secret"  # noqa: S105 - signs nothing; oauthlib's timing guard


class SandboxValidator(RequestValidator):
    """oauthlib asks this which keys, tokens, secrets, nonces and methods are good."""

    allowed_signature_methods = ("HMAC-SHA1",)
    safe_characters = set(string.ascii_letters + string.digits + "-_")
    client_key_length = (8, 64)
    access_token_length = (8, 80)
    nonce_length = (6, 100)
    timestamp_lifetime = TIMESTAMP_WINDOW_SECONDS
    enforce_ssl = False
    dummy_client = "dummyclientkey000000"
    dummy_access_token = "dummyaccesstoken0000"  # noqa: S105 - oauthlib's timing guard
    dummy_request_token = "dummyrequesttoken000"  # noqa: S105 - oauthlib's timing guard

    def validate_client_key(self, client_key, request):
        return (
            App.objects.filter(consumer_key=client_key).exists()
            or Account.objects.filter(consumer_key=client_key).exists()
        )

    def get_client_secret(self, client_key, request):
        consumer = (
            App.objects.filter(consumer_key=client_key).first()
            or Account.objects.filter(consumer_key=client_key).first()
        )
        return consumer.consumer_secret if consumer else DUMMY_SECRET

    def validate_access_token(self, client_key, token, request):
        return _token_holder(client_key, token) is not None

    def get_access_token_secret(self, client_key, token, request):
        holder = _token_holder(client_key, token)
        return holder.access_token_secret if holder else DUMMY_SECRET

    def validate_timestamp_and_nonce(
        self, client_key, timestamp, nonce, request, request_token=None, access_token=None
    ):
        stamp = int(timestamp)
        if abs(time.time() - stamp) > TIMESTAMP_WINDOW_SECONDS:
            return False
        try:
            with transaction.atomic():
                Nonce.objects.create(consumer_key=client_key, nonce=nonce, timestamp=stamp)
        except IntegrityError:
            return False
        return True


class SignInValidator(SandboxValidator):
    """The token steps of 3-legged OAuth, which only an App takes: its request tokens, their
    callbacks and verifiers. Every token and verifier is looked up, whatever its shape, so a
    wrong one is refused as wrong rather than as malformed."""

    def validate_client_key(self, client_key, request):
        return App.objects.filter(consumer_key=client_key).exists()

    def get_client_secret(self, client_key, request):
        app = App.objects.filter(consumer_key=client_key).first()
        return app.consumer_secret if app else DUMMY_SECRET

    def check_request_token(self, request_token):
        return True

    def check_verifier(self, verifier):
        return True

    def get_default_realms(self, client_key, request):
        return []

    def validate_requested_realms(self, client_key, realms, request):
        return True

    def validate_redirect_uri(self, client_key, redirect_uri, request):
        app = App.objects.filter(consumer_key=client_key).first()
        return app is not None and callback_accepted(app, redirect_uri)

    def validate_request_token(self, client_key, token, request):
        return _authorized_request_token(client_key, token) is not None

    def get_request_token_secret(self, client_key, token, request):
        found = _authorized_request_token(client_key, token)
        return found.secret if found else DUMMY_SECRET

    def validate_verifier(self, client_key, token, verifier, request):
        found = _authorized_request_token(client_key, token)
        return found is not None and hmac.compare_digest(found.verifier.encode(), verifier.encode())


def authenticate(request) -> Account | None:
    """The account a signed request speaks for, or None when the signature does not hold.
    A good request is marked with who signed it, for the bill (xsandbox.billing):
    `request.sandbox_consumer_key`, and `request.sandbox_owner` when the account signed with
    its own app's key (it owns the app) rather than through an App's Grant."""
    endpoint = SignatureOnlyEndpoint(SandboxValidator())
    try:
        valid, oauth_request = endpoint.validate_request(*_oauth_arguments(request))
    except ValueError:
        # oauthlib raises on a malformed query, body or header rather than failing them.
        return None
    if not valid:
        return None
    purge_stale_rows()
    holder = _token_holder(oauth_request.client_key, oauth_request.resource_owner_key)
    request.sandbox_consumer_key = oauth_request.client_key
    request.sandbox_owner = not isinstance(holder, Grant)
    return holder.account if isinstance(holder, Grant) else holder


def check_token_request(request, *, step: str):
    """Check a request to oauth/request_token (`step` "request") or oauth/access_token
    ("access"): (valid, oauthlib's request, which checks held). The checks are oauthlib's
    validator_log: client, signature, and callback or resource_owner and verifier; a check
    missing from it failed before it was made (timestamp or nonce). Raises oauthlib's
    OAuth1Error, or ValueError, on a request too malformed to check."""
    endpoint_class = RequestTokenEndpoint if step == "request" else AccessTokenEndpoint
    endpoint = endpoint_class(SignInValidator())
    oauth_request = endpoint._create_request(*_oauth_arguments(request))
    if step == "request":
        valid, oauth_request = endpoint.validate_request_token_request(oauth_request)
    else:
        valid, oauth_request = endpoint.validate_access_token_request(oauth_request)
    purge_stale_rows()
    return valid, oauth_request, dict(oauth_request.validator_log)


def signed_uri(request) -> str:
    """The URL the client called, as it signed it. Behind a proxy that presents the sandbox
    as an API host's root (or in tests routing a stock client's fixed host here), the
    forwarded host and scheme are trusted when XSANDBOX_TRUST_FORWARDED is on."""
    host = request.headers.get("X-Forwarded-Host")
    if not (settings.XSANDBOX_TRUST_FORWARDED and host):
        return request.build_absolute_uri()
    scheme = request.headers.get("X-Forwarded-Proto", request.scheme)
    mount = reverse("xsandbox:timeline").rstrip("/")
    path = request.get_full_path()
    return f"{scheme}://{host}{path.removeprefix(mount)}"


def purge_stale_rows() -> None:
    """Forget nonces whose timestamps are out of the window (a replay of them is refused for
    its timestamp already), and request tokens long past their lifetime. At most once a
    minute per process."""
    global _next_purge
    if time.monotonic() < _next_purge:
        return
    _next_purge = time.monotonic() + PURGE_EVERY_SECONDS
    Nonce.objects.filter(timestamp__lt=time.time() - 2 * TIMESTAMP_WINDOW_SECONDS).delete()
    RequestToken.objects.stale(timezone.now()).delete()


def _oauth_arguments(request) -> tuple[str, str, str | None, dict]:
    """What oauthlib checks of a request: the signed URL, the method, a form body (signed;
    JSON and multipart bodies are not) and the Authorization header."""
    headers = {"Authorization": request.headers.get("Authorization", "")}
    content_type = request.headers.get("Content-Type", "")
    body = None
    if content_type.startswith("application/x-www-form-urlencoded"):
        headers["Content-Type"] = content_type
        body = request.body.decode("utf-8", "replace")
    return signed_uri(request), request.method, body, headers


def _token_holder(client_key, token) -> Account | Grant | None:
    """Who an access token belongs to: an Account signing with its own key and token, or an
    App's Grant of an account."""
    if not token:
        return None
    return (
        Account.objects.filter(consumer_key=client_key, access_token=token).first()
        or Grant.objects.filter(app__consumer_key=client_key, access_token=token)
        .select_related("account")
        .first()
    )


def _authorized_request_token(client_key, token) -> RequestToken | None:
    """The app's request token, approved by a person and still to be exchanged."""
    return (
        RequestToken.objects.authorized(timezone.now())
        .filter(app__consumer_key=client_key, token=token)
        .first()
    )
