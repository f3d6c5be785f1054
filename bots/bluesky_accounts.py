"""Connecting a Bluesky account: its handle and an app password signed in once
(createSession), the `bot` self-label set on its profile, and the bot saved with the app
password and the session encrypted, so posting refreshes that session and never signs in
again. Reconnecting signs the same account in with a new app password."""

from django.db import transaction
from django.utils import timezone

from activity.services import record_activity
from bots.connecting import Connected, ConnectError, _free_name, connect_account
from bots.models import Bot
from platforms import base, client_for, label_of


def connect_bluesky_account(
    *, user, platform: str, handle: str, app_password: str, server_url: str = ""
) -> Connected:
    """Make the Bluesky account `handle` a bot owned by `user` (calls: createSession,
    getSession, getProfile, getRecord and putRecord of the profile; rows written: Bot,
    Activity bot.connected). Raises ConnectError, with nothing stored.

    1. Sign in as an unsaved bot, so nothing is stored before Bluesky has answered.
    2. Label the account a bot on its profile (com.atproto.label.defs#selfLabels "bot").
    3. Save the bot with its DID, handle, app password and session.
    """
    where = label_of(platform)
    probe = Bot(name="(connecting)", platform=platform, handle=handle, server_url=server_url)
    probe.set_credentials(app_password=app_password)
    client = client_for(probe)
    try:
        account = client.me()
        client.mark_as_bot()
    except base.PlatformError as error:
        raise ConnectError(
            f"{where} did not sign in @{handle}: {error.reason} Nothing was stored."
        ) from None
    taken = Bot.objects.filter(platform=platform, x_user_id=account.id).first()
    if taken is not None:
        raise ConnectError(
            f"@{account.username} is already connected as another bot ({taken.name}), so "
            "nothing was changed."
        )
    now = timezone.now()
    with transaction.atomic():
        bot = Bot(
            name=_free_name(account.username),
            platform=platform,
            handle=account.username,
            server_url=server_url,
            x_user_id=account.id,
            verified_at=now,
            credentials_checked_at=now,
            encrypted_session=probe.encrypted_session,
        )
        bot.set_credentials(app_password=app_password)
        bot.save()
        bot.owners.add(user)
        record_activity(
            "bot.connected",
            message=f"Connected @{account.username} on {where}: signed in with an app "
            "password and labelled a bot on its profile.",
            by=user,
            bot=bot,
        )
    return Connected(bot=bot, created=True)


def reconnect_bluesky_account(bot: Bot, *, user, app_password: str) -> Connected:
    """Sign `bot`'s account in again with a new app password (calls: createSession,
    getSession, getProfile; rows written: Bot with the password and the new session
    encrypted and its reconnect flag cleared, Activity bot.reconnected). The session must be
    the bot's own DID. Raises ConnectError, with nothing changed."""
    return connect_account(
        user=user,
        platform=bot.platform,
        credentials={"app_password": app_password},
        bot=bot,
        server_url=bot.server_url,
    )
