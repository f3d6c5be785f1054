"""Connecting a Mastodon account to Aviary: register Aviary as an app on the instance (once
per instance: POST /api/v1/apps), send the person to the instance's /oauth/authorize, and
exchange the code for the account's access token (POST /oauth/token)."""

from mastodon import Mastodon
from mastodon.errors import MastodonError, MastodonIllegalArgumentError

from platforms.mastodon.client import api, timeouts

# Reading statuses and notifications, posting, media, and setting the bot flag.
SCOPES = ["read", "write"]


class SignInRefused(Exception):
    """The instance refused a step of signing in; the message says why, never a secret."""


def register_app(
    base_url: str, *, name: str, redirect_uri: str, website: str = ""
) -> tuple[str, str]:
    """Register the app on the instance; returns its (client_id, client_secret)."""
    try:
        return Mastodon.create_app(
            name,
            scopes=SCOPES,
            redirect_uris=redirect_uri,
            website=website or None,
            api_base_url=base_url,
            request_timeout=timeouts(),
        )
    except MastodonError as error:
        raise SignInRefused(
            f"The Mastodon server at {base_url} did not register Aviary ({type(error).__name__})."
        ) from None


def authorize_url(base_url: str, *, client_id: str, redirect_uri: str, state: str) -> str:
    """Where the person approves the app, signing in afresh (force_login) so bot after bot
    connects without signing out."""
    return api(base_url).auth_request_url(
        client_id=client_id,
        redirect_uris=redirect_uri,
        scopes=SCOPES,
        force_login=True,
        state=state,
        skip_server_info=True,
    )


def access_token(
    base_url: str, *, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> str:
    """Exchange the authorization code for the account's access token."""
    client = api(base_url, client_id=client_id, client_secret=client_secret)
    try:
        return client.log_in(code=code, redirect_uri=redirect_uri, scopes=SCOPES, allow_http=True)
    except MastodonIllegalArgumentError:
        raise SignInRefused("The Mastodon server refused the sign-in code; try again.") from None
    except MastodonError as error:
        raise SignInRefused(
            f"The Mastodon server did not complete the sign-in ({type(error).__name__})."
        ) from None
