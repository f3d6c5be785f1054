"""Creating sandbox accounts and apps and setting accounts' faults: what the management
commands, the demo data and the tests call."""

from xsandbox.models import Account, App

NO_FAULTS = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "rate_limit_burst": 0,
    "stall_next": 0,
    "credits_exhausted": False,
    "usage_capped": False,
}
FAULT_FIELDS = tuple(NO_FAULTS)


def ensure_account(handle: str, *, name: str = "") -> tuple[Account, bool]:
    """The sandbox account with this handle, created with fresh credentials if new."""
    account = Account.objects.filter(handle__iexact=handle).first()
    if account:
        return account, False
    return Account.objects.create(handle=handle, name=name or handle), True


def set_bio(account: Account, bio: str) -> None:
    """Change the account's bio, as a person does on their X profile."""
    account.description = bio[: Account._meta.get_field("description").max_length]
    account.save(update_fields=["description"])


def credential_lines(account: Account) -> list[str]:
    return [
        f"X_CONSUMER_KEY={account.consumer_key}",
        f"X_CONSUMER_SECRET={account.consumer_secret}",
        f"X_ACCESS_TOKEN={account.access_token}",
        f"X_ACCESS_TOKEN_SECRET={account.access_token_secret}",
    ]


def credentials_of(account: Account) -> dict[str, str]:
    return {
        "consumer_key": account.consumer_key,
        "consumer_secret": account.consumer_secret,
        "access_token": account.access_token,
        "access_token_secret": account.access_token_secret,
    }


def ensure_app(name: str, *, callback_urls=()) -> tuple[App, bool]:
    """The sandbox X app with this name, created with fresh credentials if new; its
    registered callback URLs are set to `callback_urls` when any are given. Writes the app."""
    app = App.objects.filter(name=name).first()
    created = app is None
    if created:
        app = App.objects.create(name=name, callback_urls=list(callback_urls))
    elif callback_urls and list(callback_urls) != app.callback_urls:
        app.callback_urls = list(callback_urls)
        app.save(update_fields=["callback_urls"])
    return app, created


def app_credentials(app: App) -> dict[str, str]:
    return {"consumer_key": app.consumer_key, "consumer_secret": app.consumer_secret}


def app_credential_lines(app: App) -> list[str]:
    return [
        f"X_CONSUMER_KEY={app.consumer_key}",
        f"X_CONSUMER_SECRET={app.consumer_secret}",
    ]


def set_faults(account: Account, *, reset: bool = False, **faults) -> Account:
    """Set the given faults on the account (None leaves one as it is); with `reset`, every
    other fault is cleared first. Writes the account row; raises ValueError on nonsense."""
    changes = {name: value for name, value in faults.items() if value is not None}
    unknown = set(changes) - set(FAULT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown faults: {', '.join(sorted(unknown))}")
    if not 0 <= changes.get("error_rate", 0) <= 1:
        raise ValueError("The error rate is a share from 0 to 1.")
    if any(changes.get(name, 0) < 0 for name in ("latency_ms", "rate_limit_burst", "stall_next")):
        raise ValueError("Latency, burst and stall counts cannot be negative.")
    if reset:
        changes = {**NO_FAULTS, **changes}
    if "error_rate" in changes:
        changes["error_debt"] = 0.0
    Account.objects.filter(pk=account.pk).update(**changes)
    account.refresh_from_db()
    return account
