"""How a Bluesky account connects: no app and no redirect, but the account's handle and an
app password (made in Bluesky under Settings → Privacy and security → App passwords), signed
in once with createSession by BlueskyClient; the session is kept and refreshed from then on."""

import re

SHAPE = r"^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$"
SHAPE_RULE = (
    "That is not an app password: Bluesky's look like xxxx-xxxx-xxxx-xxxx. Make one under "
    "Settings → Privacy and security → App passwords; never give the account's main password."
)
WHERE = "Settings → Privacy and security → App passwords"

_APP_PASSWORD = re.compile(SHAPE)


def is_app_password(value: str) -> bool:
    return bool(_APP_PASSWORD.fullmatch(value.strip().lower()))
