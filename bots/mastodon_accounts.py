"""Connecting Mastodon accounts: Aviary registers itself as an app on the person's instance
once (kept as an XApp with its platform and server URL), sends the person to the instance's
OAuth sign-in, and on their return stores the account's token encrypted, reads the account
(handle as user@instance) and marks it as a bot with update_credentials.

The HTTP is platforms.mastodon's; this module decides what the approved account becomes.
"""

import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from bots.connecting import Connected, ConnectError, connect_account
from bots.credentials import CredentialsUnreadable
from bots.models import Bot, XApp
from platforms import base, base_url_for, client_for
from platforms.mastodon import signin

log = logging.getLogger(__name__)

# What a person types to connect an account on the Mastodon sandbox (where it is served).
SANDBOX = "sandbox"


@dataclass(frozen=True)
class Instance:
    """Where the account lives: the platform, and the server URL a bot keeps ('' for the
    sandbox, whose base URL is a setting)."""

    platform: str
    server_url: str

    @property
    def base_url(self) -> str:
        return self.server_url or base_url_for(self.platform)


@dataclass(frozen=True)
class SignInStart:
    app: XApp
    authorize_url: str
    state: str


def instance_from(text: str) -> Instance:
    """The instance a person named: a domain (mastodon.social), a URL, or "sandbox" where
    the Mastodon sandbox is served. Raises ConnectError with what to type instead."""
    given = text.strip()
    if given.lower() == SANDBOX and settings.XSANDBOX_ENABLED:
        return Instance(Bot.Platform.MASTODON_SANDBOX, "")
    if "://" not in given:
        given = f"https://{given.lstrip('@').split('@')[-1]}"
    parts = urlsplit(given)
    url = f"{parts.scheme}://{(parts.hostname or '').lower()}"
    if parts.port:
        url += f":{parts.port}"
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ConnectError(
            "Give the Mastodon server as its address, such as mastodon.social."
        ) from None
    return Instance(Bot.Platform.MASTODON, url)


def start_sign_in(*, instance: Instance, callback_url: str) -> SignInStart:
    """The app registered on the instance (registering it the first time: POST
    /api/v1/apps; rows written: XApp), and where the person signs in, with a fresh `state`
    for the caller to keep. Raises ConnectError."""
    app = _app_for(instance, callback_url=callback_url)
    client_id, _secret = _app_keys(app)
    state = secrets.token_urlsafe(24)
    url = signin.authorize_url(
        instance.base_url, client_id=client_id, redirect_uri=callback_url, state=state
    )
    return SignInStart(app=app, authorize_url=url, state=state)


def finish_sign_in(
    *, user, app: XApp, code: str, callback_url: str, bot: Bot | None = None
) -> Connected:
    """Exchange the code for the account's token, make the account a bot owned by `user`
    (or reconnect `bot`), and set the account's bot flag (calls: POST /oauth/token, GET
    verify_credentials, PATCH update_credentials; rows written: Bot, Activity). Raises
    ConnectError; a bot flag that could not be set is logged, not fatal."""
    instance = Instance(app.platform, app.server_url)
    client_id, client_secret = _app_keys(app)
    try:
        token = signin.access_token(
            instance.base_url,
            client_id=client_id,
            client_secret=client_secret,
            code=code,
            redirect_uri=callback_url,
        )
    except signin.SignInRefused as error:
        raise ConnectError(str(error)) from None
    connected = connect_account(
        user=user,
        platform=app.platform,
        credentials={"access_token": token},
        bot=bot,
        app=app,
        server_url=instance.server_url,
    )
    try:
        client_for(connected.bot).mark_as_bot()
    except base.PlatformError as error:
        log.warning("Bot %s: the bot flag was not set (%s)", connected.bot.pk, error.reason)
    return connected


def _app_for(instance: Instance, *, callback_url: str) -> XApp:
    found = XApp.objects.filter(platform=instance.platform, server_url=instance.server_url)
    app = found.first()
    if app is not None:
        return app
    try:
        client_id, client_secret = signin.register_app(
            instance.base_url, name="Aviary", redirect_uri=callback_url
        )
    except signin.SignInRefused as error:
        raise ConnectError(f"{error} Check the address and try again.") from None
    host = urlsplit(instance.base_url).netloc
    app = XApp(
        name=f"Aviary on {host}"[:80], platform=instance.platform, server_url=instance.server_url
    )
    app.set_consumer_credentials(key=client_id, secret=client_secret)
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        # Registered at the same moment by another request: theirs stands.
        return found.get()
    return app


def _app_keys(app: XApp) -> tuple[str, str]:
    try:
        return app.consumer_credentials()
    except CredentialsUnreadable:
        raise ConnectError(
            f"The keys of the app “{app.name}” cannot be decrypted with this site's "
            "CREDENTIALS_KEYS: delete it on the apps page and connect again."
        ) from None
