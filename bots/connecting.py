"""Connecting bots: a person signs in at the bot's network through one of the site's apps,
and the account they approve becomes a bot (or reconnects one), with nobody typing a secret
or a handle. Keys typed by hand, the advanced way, end in the same place.

The network's own sign-in lives behind platforms (`sign_in_for`); this module keeps the
pending sign-in on the server and decides what the approved account becomes.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots.credentials import CredentialsUnreadable, encrypt
from bots.models import Bot, SignIn, XApp
from platforms import base, base_url_for, client_for, label_of, network_of, sign_in_for
from platforms.x import signin


class ConnectError(Exception):
    """Connecting did not happen; `message` says why and what to do, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Connected:
    bot: Bot
    created: bool


REFUSALS = {
    signin.KEYS_REFUSED: "{network} refused the keys of the app “{app}”: check its "
    "consumer key and secret on the X apps page.",
    signin.CALLBACK_REFUSED: "{network} refused this site's callback URL for the app "
    "“{app}”: register the callback URL shown on the X apps page in the app's settings, or "
    "connect with a PIN instead.",
    signin.TOKEN_STALE: "That sign-in has expired or was already used. Start again with Connect.",
    signin.VERIFIER_WRONG: "{network} did not accept that verification code. Check the "
    "PIN it showed, or start again with Connect.",
}
STALE = REFUSALS[signin.TOKEN_STALE]
FORGET_AFTER = timedelta(days=1)


def start_sign_in(
    *, user, app: XApp, callback_url: str, bot: Bot | None = None, pin: bool = False
) -> SignIn:
    """Ask the network for a request token and keep it, ready to send the person to
    `sign_in.authorize_url` (one call: POST oauth/request_token; rows written: SignIn).
    Signing in is always forced, so bot after bot connects without logging out of X; a
    reconnect prefills the bot's handle. Sign-ins over a day old, used or not, are forgotten
    on the way. Raises ConnectError."""
    SignIn.objects.filter(created_at__lt=timezone.now() - FORGET_AFTER).delete()
    key, secret = _app_keys(app)
    sign_in_api = sign_in_for(app.platform)
    base_url = base_url_for(app.platform)
    try:
        token = sign_in_api.request_token(
            base_url=base_url,
            consumer_key=key,
            consumer_secret=secret,
            callback=signin.OUT_OF_BAND if pin else callback_url,
        )
    except base.PlatformError as error:
        raise ConnectError(_explain(error, app)) from None
    authorize_url = sign_in_api.authorize_url(
        base_url=base_url,
        token=token.token,
        screen_name=bot.handle if bot else "",
        force_login=True,
    )
    return SignIn.objects.create(
        user=user,
        app=app,
        bot=bot,
        request_token=token.token,
        encrypted_request_secret=encrypt(token.secret),
        uses_pin=pin,
        authorize_url=authorize_url,
    )


def pending_sign_in(*, user, token: str) -> SignIn:
    """The person's own unfinished, unexpired sign-in with this request token; ConnectError
    for anything else (a stale link, another person's token, one already used)."""
    found = SignIn.objects.pending(timezone.now()).filter(request_token=token, user=user).first()
    if found is None:
        raise ConnectError(STALE)
    return found


def finish_sign_in(sign_in: SignIn, *, verifier: str = "", denied: bool = False) -> Connected:
    """Exchange the verifier for the account's access token and make the account a bot, or
    reconnect the sign-in's bot (calls: POST oauth/access_token, GET /2/users/me; rows
    written: SignIn, Bot, Activity bot.connected or bot.reconnected). The sign-in is used up
    first, whatever follows. Raises ConnectError."""
    # 1. Use the sign-in up, once: a second arrival (a reload, a replayed link) finds it gone.
    used = SignIn.objects.filter(pk=sign_in.pk, finished_at__isnull=True).update(
        finished_at=timezone.now()
    )
    if not used:
        raise ConnectError(STALE)
    app, bot = sign_in.app, sign_in.bot
    if denied:
        again = "Reconnect" if bot else "Connect"
        raise ConnectError(
            f"You cancelled at {network_name(app.platform)}, so nothing was connected. "
            f"{again} again when you are ready."
        )
    if not verifier:
        raise ConnectError(_explain(signin.VERIFIER_WRONG, app))
    # 2. The verifier and the request token buy the account's access token.
    key, secret = _app_keys(app)
    try:
        access = sign_in_for(app.platform).access_token(
            base_url=base_url_for(app.platform),
            consumer_key=key,
            consumer_secret=secret,
            token=sign_in.request_token,
            token_secret=sign_in.request_secret(),
            verifier=verifier,
        )
    except base.PlatformError as error:
        raise ConnectError(_explain(error, app)) from None
    credentials = {
        "consumer_key": key,
        "consumer_secret": secret,
        "access_token": access.token,
        "access_token_secret": access.secret,
    }
    # 3. The account's id and handle come from the network, never from the person.
    return connect_account(
        user=sign_in.user, platform=app.platform, credentials=credentials, bot=bot, app=app
    )


def connect_account(
    *,
    user,
    platform: str,
    credentials: dict[str, str],
    bot: Bot | None = None,
    app=None,
    server_url: str = "",
) -> Connected:
    """Ask the network whose the credentials are, then make that account a bot owned by
    `user`, or give `bot` the new credentials (calls: the network's me(); rows written: Bot,
    Activity bot.connected or bot.reconnected). Keys typed by hand come here too. Raises
    ConnectError."""
    probe, account = check_account(
        platform=platform, credentials=credentials, bot=bot, server_url=server_url
    )
    return _save_connection(
        user=user,
        bot=bot,
        platform=platform,
        account=account,
        credentials=credentials,
        app=app,
        server_url=server_url,
        session=probe.encrypted_session,
    )


def check_account(
    *, platform: str, credentials: dict[str, str], bot: Bot | None = None, server_url: str = ""
) -> tuple[Bot, base.Account]:
    """Whose the credentials are, asked as an unsaved bot (calls: the network's me(); on
    Bluesky a new session, createSession, kept encrypted on the unsaved bot): an account no
    other bot is, and `bot`'s own account when given. Returns the unsaved bot and the
    account; raises ConnectError, with nothing stored."""
    probe = Bot(
        name=bot.name if bot else "(connecting)",
        platform=platform,
        server_url=server_url,
        handle=bot.handle if bot else "",
    )
    probe.set_credentials(**credentials)
    try:
        account = client_for(probe).me()
    except base.PlatformError as error:
        raise ConnectError(
            f"{_sentence(network_name(platform))} did not accept these credentials: "
            f"{error.reason} Nothing was changed."
        ) from None
    taken = (
        Bot.objects.filter(platform=platform, server_url=server_url, x_user_id=account.id)
        .exclude(pk=bot.pk if bot else None)
        .first()
    )
    if taken is not None:
        raise ConnectError(
            f"@{account.username} is already connected as another bot ({taken.name}), so "
            f"nothing was changed. Sign in at {network_name(platform)} with the account this "
            "bot should be."
        )
    if bot is not None and bot.x_user_id and bot.x_user_id != account.id:
        if account.username == bot.handle:
            # Bluesky signs in by handle, which may have passed to another account.
            raise ConnectError(
                f"@{bot.handle} is now another account on {network_name(platform)} than the "
                f"one {bot.name} was, so nothing was changed. Add it as a new bot if you "
                "mean to."
            )
        raise ConnectError(
            f"You signed in at {network_name(platform)} as @{account.username}, but "
            f"{bot.name} is @{bot.handle}. Reconnect again and sign in as @{bot.handle}; "
            "nothing was changed."
        )
    return probe, account


def _save_connection(
    *, user, bot, platform, account, credentials, app, server_url="", session=""
) -> Connected:
    now = timezone.now()
    created = bot is None
    with transaction.atomic():
        if created:
            bot = Bot(name=_free_name(account.username), platform=platform)
        bot.set_credentials(**credentials)
        # A new session (Bluesky's) replaces the one the old credentials made.
        bot.encrypted_session = session or bot.encrypted_session
        bot.handle = account.username[: Bot._meta.get_field("handle").max_length]
        bot.server_url = server_url or bot.server_url
        bot.x_user_id = account.id
        bot.bio = account.description
        bot.app = app or bot.app
        bot.verified_at = bot.credentials_checked_at = now
        bot.attention_reason = bot.credentials_error = ""
        bot.save()
        if created:
            bot.owners.add(user)
        where = network_name(platform)
        record_activity(
            "bot.connected" if created else "bot.reconnected",
            message=f"Connected @{account.username} on {where}: verified, it posts as "
            f"@{account.username}."
            if created
            else f"Reconnected @{account.username} on {where}: verified, posting may go on.",
            by=user,
            bot=bot,
        )
    return Connected(bot=bot, created=created)


def _free_name(handle: str) -> str:
    name, n = handle, 1
    while Bot.objects.filter(name=name).exists():
        n += 1
        name = f"{handle} {n}"
    return name


def _app_keys(app: XApp) -> tuple[str, str]:
    try:
        return app.consumer_credentials()
    except CredentialsUnreadable:
        raise ConnectError(
            f"The keys of the app “{app.name}” cannot be decrypted with this site's "
            "CREDENTIALS_KEYS: enter them again on the X apps page."
        ) from None


def network_name(platform: str) -> str:
    """How a page names the network: the sandbox is never called X."""
    if platform == Bot.Platform.SANDBOX:
        return "the sandbox"
    return "X" if network_of(platform) == "x" else label_of(platform)


def _explain(error: base.PlatformError | str, app: XApp) -> str:
    network = network_name(app.platform)
    kind = error if isinstance(error, str) else getattr(error, "kind", None)
    if kind in REFUSALS:
        return _sentence(REFUSALS[kind].format(app=app.name, network=network))
    return _sentence(f"{network} could not be reached just now ({error.reason}). Try again soon.")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def save_app(
    app: XApp, *, key: str = "", secret: str = "", default: bool | None = None, by
) -> XApp:
    """Save an app a validated form put on `app`, with any keys typed; made the default, it
    takes the place of the platform's former default (rows written: XApp, Activity
    app.saved). The keys never reach the log."""
    with transaction.atomic():
        app.set_consumer_credentials(key=key, secret=secret)
        if default is not None:
            app.is_default = default
        if app.is_default:
            XApp.objects.filter(platform=app.platform, is_default=True).exclude(pk=app.pk).update(
                is_default=False
            )
        elif not XApp.objects.for_platform(app.platform).exclude(pk=app.pk).exists():
            app.is_default = True  # the only app of its network is the one new bots use
        app.save()
        replaced = " with new keys" if key or secret else ""
        record_activity("app.saved", message=f"Saved the X app “{app.name}”{replaced}.", by=by)
    return app
