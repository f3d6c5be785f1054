"""X's 3-legged OAuth 1.0a sign-in, the app's side: a request token for the app, the page
where a person authorizes it for their account, and the exchange of the verifier for that
account's access token. Spoken to X and the sandbox alike, at the platform's base URL.

    1. request_token(...)  POST {base}/oauth/request_token, signed by the app, with the callback
    2. authorize_url(...)  the person's browser goes there, and comes back to the callback with
                           oauth_token and oauth_verifier (or `denied`); "oob" shows a PIN
    3. access_token(...)   POST {base}/oauth/access_token, signed with the request token too

Requests are timed out and answered with platforms.base errors; a refusal by X is a
SignInRefused whose `kind` says which part to fix. No secret, token or verifier is logged
or put in an error.
"""

import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import requests
from requests_oauthlib import OAuth1

from platforms.base import BadRequest, PlatformError, Transient
from platforms.x.client import timeouts
from platforms.x.errors import network_error, rate_limited

log = logging.getLogger(__name__)

KEYS_REFUSED = "keys"
CALLBACK_REFUSED = "callback"
TOKEN_STALE = "token"  # noqa: S105 - a kind of refusal, not a token
VERIFIER_WRONG = "verifier"
# X's error code for an oauth_callback not among the app's callback URLs.
CALLBACK_NOT_APPROVED = 415
OUT_OF_BAND = "oob"

_REQUEST_STEP = "request"
_ACCESS_STEP = "access"


@dataclass(frozen=True, repr=False)
class RequestToken:
    """OAuth's temporary credentials: the token goes in the authorize URL, the secret signs
    the exchange and is kept until then (never shown)."""

    token: str
    secret: str

    def __repr__(self):
        return "<RequestToken>"


@dataclass(frozen=True, repr=False)
class AccessToken:
    """The account's access token for the app, and who the account is."""

    token: str
    secret: str
    user_id: str
    screen_name: str

    def __repr__(self):
        return f"<AccessToken for @{self.screen_name} ({self.user_id})>"


class SignInRefused(PlatformError):
    """X refused a step of the sign-in. `kind` says what a person should fix: KEYS_REFUSED
    (the app's consumer key or secret), CALLBACK_REFUSED (the callback URL is not registered
    on the app), TOKEN_STALE (the sign-in expired, was cancelled or used: start again),
    VERIFIER_WRONG (the PIN or verifier does not match)."""

    def __init__(self, reason: str, *, kind: str, status: int | None = None):
        super().__init__(reason, status=status)
        self.kind = kind


def request_token(
    *, base_url: str, consumer_key: str, consumer_secret: str, callback: str
) -> RequestToken:
    """Step 1: a request token for the app, to be authorized at `callback` (a URL, or "oob"
    for a PIN). One POST to {base_url}/oauth/request_token."""
    auth = OAuth1(consumer_key, client_secret=consumer_secret, callback_uri=callback)
    fields = _post(base_url, "/oauth/request_token", auth, step=_REQUEST_STEP)
    if fields.get("oauth_callback_confirmed") != "true":
        raise BadRequest("X did not confirm the callback URL of the sign-in.")
    return RequestToken(token=fields["oauth_token"], secret=fields["oauth_token_secret"])


def authorize_url(
    *, base_url: str, token: str, screen_name: str = "", force_login: bool = True
) -> str:
    """Step 2: where the person authorizes the app. `force_login` asks X to let them choose
    the account even when one is signed in already (so bot after bot connects);
    `screen_name` fills in the account's handle."""
    params = {"oauth_token": token}
    if force_login:
        params["force_login"] = "true"
    if screen_name:
        params["screen_name"] = screen_name.lstrip("@")
    return f"{base_url.rstrip('/')}/oauth/authorize?{urlencode(params)}"


def access_token(
    *,
    base_url: str,
    consumer_key: str,
    consumer_secret: str,
    token: str,
    token_secret: str,
    verifier: str,
) -> AccessToken:
    """Step 3: the authorized account's access token, for the request token and the verifier
    the callback brought back (or the PIN). One POST to {base_url}/oauth/access_token; a
    request token is good for one exchange."""
    auth = OAuth1(
        consumer_key,
        client_secret=consumer_secret,
        resource_owner_key=token,
        resource_owner_secret=token_secret,
        verifier=verifier.strip(),
    )
    fields = _post(base_url, "/oauth/access_token", auth, step=_ACCESS_STEP)
    return AccessToken(
        token=fields["oauth_token"],
        secret=fields["oauth_token_secret"],
        user_id=fields["user_id"],
        screen_name=fields["screen_name"],
    )


def _post(base_url: str, path: str, auth: OAuth1, *, step: str) -> dict[str, str]:
    """POST a signed token request; X's form-encoded answer, or the error it stands for."""
    try:
        response = requests.post(base_url.rstrip("/") + path, auth=auth, timeout=timeouts())
    except requests.RequestException as error:
        raise network_error("POST", error) from None
    with response:
        log.log(
            logging.DEBUG if response.ok else logging.INFO,
            "POST %s: %s",
            path,
            response.status_code,
        )
        if response.status_code != 200:
            raise _refusal(step, response)
        fields = dict(parse_qsl(response.text, keep_blank_values=True))
    if not {"oauth_token", "oauth_token_secret"} <= fields.keys():
        raise Transient("X's answer to the sign-in could not be read.", status=200)
    if step == _ACCESS_STEP and not {"user_id", "screen_name"} <= fields.keys():
        raise Transient("X's answer to the sign-in could not be read.", status=200)
    return fields


def _refusal(step: str, response: requests.Response) -> PlatformError:
    status = response.status_code
    if status == 429:
        return rate_limited(response, "")
    if status >= 500:
        return Transient(
            f"X had a server error ({status}) during the sign-in; try again.",
            status=status,
            ambiguous=step == _ACCESS_STEP,
        )
    if status not in (401, 403):
        return BadRequest(f"X refused the sign-in request ({status}).", status=status)
    if step == _REQUEST_STEP and CALLBACK_NOT_APPROVED in _error_codes(response):
        return SignInRefused(
            "X refused the callback URL: add it to the app's callback URLs in the X "
            f"developer portal ({status}).",
            kind=CALLBACK_REFUSED,
            status=status,
        )
    if step == _REQUEST_STEP:
        return SignInRefused(
            f"X refused the app's consumer key and secret ({status}). Check both in the "
            "app's settings on the X developer portal.",
            kind=KEYS_REFUSED,
            status=status,
        )
    if "verifier" in response.text.lower():
        return SignInRefused(
            f"X refused the PIN or verifier ({status}): it does not match this sign-in.",
            kind=VERIFIER_WRONG,
            status=status,
        )
    return SignInRefused(
        f"The sign-in expired, was cancelled or was already used ({status}). Start "
        "connecting the account again.",
        kind=TOKEN_STALE,
        status=status,
    )


def _error_codes(response: requests.Response) -> set[int]:
    """The codes of X's older error body, {"errors": [{"code": ..., "message": ...}]}."""
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return set()
    if not isinstance(errors, list):
        return set()
    return {error.get("code") for error in errors if isinstance(error, dict)}
