"""Creating Mastodon sandbox accounts, their tokens and faults: what the demo data and the
tests call."""

from xsandbox.accounts import FAULT_FIELDS as X_FAULT_FIELDS
from xsandbox.models import MastodonAccount, MastodonToken

FAULT_FIELDS = tuple(f for f in X_FAULT_FIELDS if f not in ("credits_exhausted", "usage_capped"))


def ensure_account(username: str, *, display_name: str = "") -> tuple[MastodonAccount, bool]:
    account = MastodonAccount.objects.filter(username__iexact=username).first()
    if account:
        return account, False
    return MastodonAccount.objects.create(
        username=username, display_name=display_name or username
    ), True


def issue_token(account: MastodonAccount, *, scopes: str = "read write") -> str:
    """A new access token for the account (the token itself; only its digest is kept)."""
    return MastodonToken.issue(account=account, scopes=scopes)[1]


def set_faults(account: MastodonAccount, **faults) -> MastodonAccount:
    """Set the given faults on the account. Writes the account row."""
    unknown = set(faults) - set(FAULT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown faults: {', '.join(sorted(unknown))}")
    if "error_rate" in faults:
        faults["error_debt"] = 0.0
    MastodonAccount.objects.filter(pk=account.pk).update(**faults)
    account.refresh_from_db()
    return account
