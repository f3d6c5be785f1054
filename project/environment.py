"""Reading Aviary's configuration from the environment: validation and development secrets.

Settings call these helpers so that a bad value fails with a sentence naming the setting,
never with a traceback deep inside a database driver.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

DATABASE_SCHEMES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def database_config(url: str, *, base_dir: Path, conn_max_age: int = 60) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry, refusing anything malformed.

    The URL itself is never echoed in the error: it may carry a password.
    """
    parts = urlsplit(url)
    engine = DATABASE_SCHEMES.get(parts.scheme)
    if engine is None or "://" not in url:
        raise ImproperlyConfigured(
            "DATABASE_URL is not a database URL Aviary understands. Use "
            "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:///path/to/file.sqlite3."
        )
    config = environ.Env.db_url_config(url)
    if engine.endswith("sqlite3"):
        name = Path(config["NAME"] or "var/aviary.sqlite3")
        if not name.is_absolute():
            name = base_dir / name
        name.parent.mkdir(parents=True, exist_ok=True)
        config["NAME"] = str(name)
        # Web, worker and beat share one file: WAL lets readers work while one writes,
        # and IMMEDIATE transactions wait for the lock instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database: add /NAME after the host.")
    else:
        config["CONN_MAX_AGE"] = conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
    config["ENGINE"] = engine
    return config


def ensure_development_secrets(env: environ.Env, env_file: Path) -> None:
    """Generate SECRET_KEY and CREDENTIALS_KEYS into the .env file when they are missing.

    Development only: a generated credentials key must outlive the process, or every
    credential saved under it would become unreadable on the next start.
    """
    missing = []
    if not env.str("SECRET_KEY", default=""):
        missing.append(("SECRET_KEY", secrets.token_urlsafe(50)))
    if not env.str("CREDENTIALS_KEYS", default=""):
        missing.append(("CREDENTIALS_KEYS", Fernet.generate_key().decode()))
    if not missing:
        return
    env_file.parent.mkdir(parents=True, exist_ok=True)
    with env_file.open("a") as handle:
        for name, value in missing:
            handle.write(f"{name}={value}\n")
    env_file.chmod(0o600)
    for name, value in missing:
        env.ENVIRON[name] = value


def require_production_secrets(env: environ.Env) -> None:
    """Refuse to start in production without the secrets that development generates."""
    missing = [
        name
        for name in ("SECRET_KEY", "CREDENTIALS_KEYS", "ALLOWED_HOSTS")
        if not env.str(name, default="")
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so {', '.join(missing)} must be set in the environment "
            "(see the configuration table in README.md)."
        )
    key = env.str("SECRET_KEY")
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
