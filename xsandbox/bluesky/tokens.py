"""The session's JWTs, signed as a PDS signs them (HS256 with the server's secret): an access
token (scope com.atproto.access, short-lived) and a refresh token (com.atproto.refresh,
naming its session by `jti`)."""

import base64
import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings

ACCESS = "com.atproto.access"
REFRESH = "com.atproto.refresh"


class BadToken(ValueError):
    """Not a token this server signed, or not one of the asked scope. `name` is the XRPC
    error: InvalidToken or ExpiredToken."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def _key() -> bytes:
    return hashlib.sha256(b"xsandbox.bluesky:" + settings.SECRET_KEY.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(*, did: str, scope: str, lifetime: float, jti: str = "") -> str:
    now = int(time.time())
    claims = {"scope": scope, "sub": did, "aud": "did:web:sandbox", "iat": now}
    claims["exp"] = now + int(lifetime)
    claims["jti"] = jti or secrets.token_urlsafe(16)
    header = _b64(
        json.dumps({"typ": "at+jwt" if scope == ACCESS else "refresh+jwt", "alg": "HS256"}).encode()
    )
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hmac.new(_key(), f"{header}.{body}".encode(), hashlib.sha256).digest())
    return f"{header}.{body}.{signature}"


def verify(token: str, *, scope: str) -> dict:
    """The token's claims; BadToken when it is forged, of another scope, or expired."""
    try:
        header, body, signature = token.split(".")
        expected = hmac.new(_key(), f"{header}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_unb64(signature), expected):
            raise BadToken("InvalidToken", "Token could not be verified")
        claims = json.loads(_unb64(body))
    except (ValueError, TypeError) as error:
        raise BadToken("InvalidToken", "Token could not be verified") from error
    if claims.get("scope") != scope:
        raise BadToken("InvalidToken", "Bad token scope")
    if int(claims.get("exp", 0)) <= time.time():
        raise BadToken("ExpiredToken", "Token has expired")
    return claims
