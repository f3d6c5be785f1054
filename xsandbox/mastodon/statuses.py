"""Statuses on the Mastodon sandbox: storing one as an instance does, with the accounts its
text mentions and a notification for each local one. As on Mastodon, only a mention in the
text notifies: a client that answers someone writes their @address into the reply."""

from collections.abc import Iterable

from django.db.models import Q

from xsandbox.mastodon.entities import MENTION_RE
from xsandbox.models import MastodonAccount, MastodonNotification, MastodonStatus


def store_status(
    account: MastodonAccount,
    text: str,
    *,
    host: str = "",
    media: Iterable = (),
    parent: MastodonStatus | None = None,
    key: str = "",
    mentioned: Iterable[MastodonAccount] | None = None,
) -> MastodonStatus:
    """The status with its media and mentions: those its text names on this instance
    (`host`) or a remote one it knows, or for a status that arrived from elsewhere the
    `mentioned` its activity tagged. Rows written: MastodonStatus, MastodonNotification
    (for local accounts only: a remote one hears of it from its own server)."""
    status = MastodonStatus.objects.create(
        account=account, text=text, in_reply_to=parent, idempotency_key=key
    )
    status.media.set(list(media))
    named = set(mentioned_in(text, host=host) if mentioned is None else mentioned)
    named.discard(account)
    status.mentioned.set(named)
    MastodonNotification.objects.bulk_create(
        MastodonNotification(account=other, status=status) for other in named if other.is_local
    )
    return status


def mentioned_in(text: str, *, host: str) -> list[MastodonAccount]:
    """The accounts the text's @mentions name: @user and @user@host are local, @user@domain
    is the remote account of that address if the instance knows it."""
    wanted = Q(pk__in=[])
    for username, domain in MENTION_RE.findall(text):
        local = not domain or domain.lower() == host.lower()
        wanted |= Q(username__iexact=username, domain__iexact="" if local else domain)
    return list(MastodonAccount.objects.filter(wanted))
