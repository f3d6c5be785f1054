"""The sandbox's own world, a part per network: X (accounts, posts, media, mentions, apps and
OAuth, rate windows, the bill), Mastodon (an instance) and Bluesky (a PDS)."""

# Defaults the migrations name by these paths.
from xsandbox.models.bluesky import (  # noqa: F401
    BlueskyAccount,
    BlueskyBlob,
    BlueskyNotification,
    BlueskyRateWindow,
    BlueskyRecord,
    BlueskySession,
    _did,
)
from xsandbox.models.bridge import BridgedPost  # noqa: F401
from xsandbox.models.mastodon import (  # noqa: F401
    MASTODON_ID_OFFSET,
    MastodonAccount,
    MastodonApp,
    MastodonAuthorization,
    MastodonMedia,
    MastodonNotification,
    MastodonRateWindow,
    MastodonStatus,
    MastodonToken,
)
from xsandbox.models.x import (  # noqa: F401  # noqa: E402, F401
    MAX_PK,
    MEDIA_ID_OFFSET,
    OUT_OF_BAND,
    POST_ID_OFFSET,
    READ_CALLS,
    USER_ID_OFFSET,
    Account,
    AccountQuerySet,
    App,
    BillItem,
    Grant,
    Media,
    Nonce,
    Post,
    RateWindow,
    RequestToken,
    RequestTokenQuerySet,
    _access_token,
    _encrypted_token,
    _token,
    pk_from,
    request_token_lifetime,
)
