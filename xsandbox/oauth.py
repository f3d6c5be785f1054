"""OAuth 1.0a checked as X checks it: HMAC-SHA1 over the URL the request was made to, a
timestamp within five minutes, and a nonce never used twice (oauthlib does the signature)."""

import string
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint

from xsandbox.models import Account, Nonce

TIMESTAMP_WINDOW_SECONDS = 300
PURGE_EVERY_SECONDS = 60
_next_purge = 0.0


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

    def validate_client_key(self, client_key, request):
        return Account.objects.filter(consumer_key=client_key).exists()

    def get_client_secret(self, client_key, request):
        account = Account.objects.filter(consumer_key=client_key).first()
        return account.consumer_secret if account else "dummy-secret"

    def validate_access_token(self, client_key, token, request):
        return Account.objects.filter(consumer_key=client_key, access_token=token).exists()

    def get_access_token_secret(self, client_key, token, request):
        account = Account.objects.filter(consumer_key=client_key, access_token=token).first()
        return account.access_token_secret if account else "dummy-secret"

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


def authenticate(request) -> Account | None:
    """The account a signed request speaks for, or None when the signature does not hold."""
    headers = {"Authorization": request.headers.get("Authorization", "")}
    content_type = request.headers.get("Content-Type", "")
    body = None
    if content_type.startswith("application/x-www-form-urlencoded"):
        headers["Content-Type"] = content_type
        body = request.body.decode("utf-8", "replace")
    endpoint = SignatureOnlyEndpoint(SandboxValidator())
    try:
        valid, oauth_request = endpoint.validate_request(
            signed_uri(request), http_method=request.method, body=body, headers=headers
        )
    except ValueError:
        # oauthlib raises on a malformed query, body or header rather than failing them.
        return None
    if not valid:
        return None
    _purge_old_nonces()
    return Account.objects.filter(
        consumer_key=oauth_request.client_key, access_token=oauth_request.resource_owner_key
    ).first()


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


def _purge_old_nonces() -> None:
    """Forget nonces whose timestamps are out of the window: a replay of them is refused for
    its timestamp already. At most once a minute per process."""
    global _next_purge
    if time.monotonic() < _next_purge:
        return
    _next_purge = time.monotonic() + PURGE_EVERY_SECONDS
    Nonce.objects.filter(timestamp__lt=time.time() - 2 * TIMESTAMP_WINDOW_SECONDS).delete()
