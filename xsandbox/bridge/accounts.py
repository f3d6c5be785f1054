"""Who is on the sandbox's bridge: opting in and out, and the accounts Bridgy Fed makes on
the other side for those who opt in (made when first needed, gone when they opt out, as
Bridgy Fed deletes a bridged profile)."""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse

from xsandbox.models import BlueskyAccount, MastodonAccount

# Where Bluesky accounts appear in the fediverse, and fediverse accounts on Bluesky.
FEDIVERSE_DOMAIN = "bsky.brid.gy"
BLUESKY_SUFFIX = "ap.brid.gy"
# The accounts one follows to opt in.
FEDIVERSE_BOT = "@bsky.brid.gy@bsky.brid.gy"
BLUESKY_BOT = "@ap.brid.gy"


def bluesky_handle_of(account: MastodonAccount, *, host: str) -> str:
    """user.instance.ap.brid.gy (an underscore, not allowed in a handle, becomes a hyphen)."""
    return f"{account.username}.{host}.{BLUESKY_SUFFIX}".replace("_", "-").lower()


@transaction.atomic
def set_mastodon_bridged(account: MastodonAccount, bridged: bool, *, host: str) -> None:
    """Opt a local Mastodon account in (its Bluesky account is made) or out (its Bluesky
    account and the posts bridged there are deleted). Writes MastodonAccount, BlueskyAccount."""
    MastodonAccount.objects.filter(pk=account.pk).update(bridged=bridged)
    account.bridged = bridged
    if bridged:
        bluesky_mirror(account, host=host)
    else:
        BlueskyAccount.objects.filter(bridge_of=account).delete()


@transaction.atomic
def set_bluesky_bridged(account: BlueskyAccount, bridged: bool) -> None:
    """Opt a Bluesky account in (its fediverse account is made) or out (that account and
    the statuses bridged there are deleted). Writes BlueskyAccount, MastodonAccount."""
    BlueskyAccount.objects.filter(pk=account.pk).update(bridged=bridged)
    account.bridged = bridged
    if bridged:
        fediverse_mirror(account)
    else:
        MastodonAccount.objects.filter(bridge_of=account).delete()


def bluesky_mirror(account: MastodonAccount, *, host: str) -> BlueskyAccount:
    """The Bluesky account Bridgy Fed keeps for the Mastodon account (made if new): its own
    DID, a handle under ap.brid.gy, the name and bot flag of the original, no password."""
    mirror = BlueskyAccount.objects.filter(bridge_of=account).first()
    if mirror is not None:
        return mirror
    labels = [{"val": "bot"}] if account.bot else []
    return BlueskyAccount.objects.create(
        handle=bluesky_handle_of(account, host=host),
        display_name=(account.display_name or account.username)[:64],
        app_password_hash=make_password(None),
        bridge_of=account,
        profile={
            "$type": "app.bsky.actor.profile",
            "displayName": account.display_name,
            "description": f"[bridged from @{account.username}@{host} by https://fed.brid.gy/]",
            "labels": {"$type": "com.atproto.label.defs#selfLabels", "values": labels},
        },
    )


def fediverse_mirror(account: BlueskyAccount) -> MastodonAccount:
    """The fediverse account Bridgy Fed keeps for the Bluesky account (made if new), known to
    the instance as the remote account @handle@bsky.brid.gy."""
    mirror = MastodonAccount.objects.filter(bridge_of=account).first()
    if mirror is not None:
        return mirror
    return MastodonAccount.objects.create(
        username=account.handle,
        domain=FEDIVERSE_DOMAIN,
        display_name=(account.display_name or account.handle)[:50],
        bot="bot" in account.labels,
        bridge_of=account,
    )


def bridge_state(account: MastodonAccount | BlueskyAccount) -> dict:
    """What an account's sandbox page shows of the bridge: for Bridgy Fed's own account,
    whom it stands for; otherwise whether it is opted in, whom it follows to be, its
    address on the other side and the page of its account there."""
    if account.bridge_of_id:
        return {"mirror_of": account.bridge_of}
    if isinstance(account, MastodonAccount):
        mirror = BlueskyAccount.objects.filter(bridge_of=account).first()
        follows, toggle = FEDIVERSE_BOT, reverse("xsandbox:mastodon:bridge", args=[account.acct])
    else:
        mirror = MastodonAccount.objects.filter(bridge_of=account).first()
        follows, toggle = BLUESKY_BOT, reverse("xsandbox:bluesky_bridge", args=[account.handle])
    address = ""
    if mirror is not None:
        address = mirror.handle if isinstance(mirror, BlueskyAccount) else f"{mirror.acct}"
    return {
        "opted_in": account.bridged,
        "follows": follows,
        "address": address,
        "mirror": mirror,
        "toggle_url": toggle,
    }
