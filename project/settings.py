"""Django settings for Aviary: every value from the environment (or .env), with safe
development defaults. See README.md for the table of settings."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

from project.environment import (
    database_config,
    ensure_development_secrets,
    require_production_secrets,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    ensure_development_secrets(env, ENV_FILE)
else:
    require_production_secrets(env)

SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Fernet keys for bot credentials, newest first: the first encrypts, all decrypt.
CREDENTIALS_KEYS = env.list("CREDENTIALS_KEYS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "django_htmx",
    "axes",
    # Aviary's own apps, from the ground up (DESIGN.md, "Layers").
    "pages",
    "activity",
    "bots",
    "corpora",
    "tweets",
    "autonomy",
    "dashboard",
    "project",
]
# The fake X API beside the stack (DESIGN.md): installed, and its URLs mounted, only here.
XSANDBOX_ENABLED = env.bool("XSANDBOX_ENABLED", default=DEBUG)
if XSANDBOX_ENABLED:
    INSTALLED_APPS.append("xsandbox")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "project.security.content_security_policy",
    "project.errors.branded_debug_404",
    # Last, as django-axes asks: it answers a locked-out login before the view runs.
    "axes.middleware.AxesMiddleware",
]

# Failed logins are throttled per username and address (django-axes): after
# AXES_FAILURE_LIMIT failures that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ADMIN_URL_PREFIX = "/admin/"

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "project.context_processors.live",
                "pages.context_processors.form_banner",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL", default="sqlite:///var/aviary.sqlite3"),
        base_dir=BASE_DIR,
        # Seconds a connection is kept between requests; 0 closes it after each one.
        conn_max_age=env.int("DB_CONN_MAX_AGE", default=60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite has no covering indexes: it keeps an index's key columns and drops the included
# ones (bots.DailySpend's chart index), which is all it needs. Not a problem to report.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Gallery images are served by project.media (after its access check) in every profile; set
# this to an nginx `internal` location aliased to MEDIA_ROOT to let the proxy send the bytes.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
# One gallery upload (all its files together) is refused above this size before anything of
# it is stored, and adds at most this many files (each one decoded and re-encoded).
GALLERY_MAX_UPLOAD_BYTES = env.int("GALLERY_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
GALLERY_MAX_FILES_PER_UPLOAD = env.int("GALLERY_MAX_FILES_PER_UPLOAD", default=10)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Where bots on the sandbox platform send their API calls, and where real bots go; and
# where a person reads their posts (the sandbox's pages: its base URL unless set).
# Where people reach this site, for links in emails.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('AVIARY_PORT', default=8000)}/")
# Email: printed to the console in development; an SMTP server from these settings otherwise.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Aviary <aviary@localhost>")
SANDBOX_BASE_URL = env.str("SANDBOX_BASE_URL", default="http://127.0.0.1:8000/xsandbox")
X_API_BASE_URL = env.str("X_API_BASE_URL", default="https://api.x.com")
SANDBOX_WEB_URL = env.str("SANDBOX_WEB_URL", default="")
X_WEB_URL = env.str("X_WEB_URL", default="https://x.com")
# Bluesky: the PDS a bot signs in at unless it names its own (bsky.social), the sandbox's
# PDS, and where a person reads a post (the sandbox's pages: its base URL unless set).
BLUESKY_API_BASE_URL = env.str("BLUESKY_API_BASE_URL", default="https://bsky.social")
BLUESKY_SANDBOX_BASE_URL = env.str(
    "BLUESKY_SANDBOX_BASE_URL", default=SANDBOX_BASE_URL.rstrip("/") + "/bluesky"
)
BLUESKY_WEB_URL = env.str("BLUESKY_WEB_URL", default="https://bsky.app")
BLUESKY_SANDBOX_WEB_URL = env.str("BLUESKY_SANDBOX_WEB_URL", default="")
BLUESKY_CONNECT_TIMEOUT = env.float("BLUESKY_CONNECT_TIMEOUT", default=5.0)
BLUESKY_READ_TIMEOUT = env.float("BLUESKY_READ_TIMEOUT", default=20.0)
# Bluesky charges nothing for any call (platforms.bluesky.rules).
BLUESKY_PRICE_PER_CALL_USD = env.float("BLUESKY_PRICE_PER_CALL_USD", default=0.0)
# How long the sandbox PDS's access tokens last (Bluesky's: about two hours).
XSANDBOX_BLUESKY_ACCESS_SECONDS = env.int("XSANDBOX_BLUESKY_ACCESS_SECONDS", default=7200)

# Forms post to this site only, and to where Connect sends a person to sign in (X's
# authorize page, or the sandbox's wherever it is served): a redirect after a POST counts.
_SIGN_IN_ORIGINS = " ".join(
    sorted(
        {
            "{0.scheme}://{0.netloc}".format(urlsplit(url))
            for url in (X_API_BASE_URL, SANDBOX_BASE_URL)
        }
    )
)
_CSP_BASE = (
    "default-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; "
    f"base-uri 'none'; frame-ancestors 'none'; form-action 'self' {_SIGN_IN_ORIGINS}"
)
CONTENT_SECURITY_POLICY = _CSP_BASE + "; style-src 'self'"
ADMIN_CONTENT_SECURITY_POLICY = _CSP_BASE + "; style-src 'self' 'unsafe-inline'"
# Every request to X (or the sandbox) gives up after these many seconds (connect, read).
# The sandbox: whether to trust X-Forwarded-Proto/-Host when checking signatures (behind a
# proxy that presents it as an API host's root), how long "accept then stall" stalls, when a
# fault's burst of 429s resets, how long a text counts as a duplicate, and how many posts an
# account may make in 24 hours (X's Free tier allows 17).
XSANDBOX_TRUST_FORWARDED = env.bool("XSANDBOX_TRUST_FORWARDED", default=False)
XSANDBOX_STALL_SECONDS = env.float("XSANDBOX_STALL_SECONDS", default=60.0)
XSANDBOX_BURST_RESET_SECONDS = env.int("XSANDBOX_BURST_RESET_SECONDS", default=2)
XSANDBOX_DUPLICATE_WINDOW_HOURS = env.int("XSANDBOX_DUPLICATE_WINDOW_HOURS", default=24)
XSANDBOX_DAILY_POST_LIMIT = env.int("XSANDBOX_DAILY_POST_LIMIT", default=2400)
X_API_CONNECT_TIMEOUT = env.float("X_API_CONNECT_TIMEOUT", default=5.0)
X_API_READ_TIMEOUT = env.float("X_API_READ_TIMEOUT", default=20.0)

# Mastodon: every request to an instance gives up after these many seconds (connect, read),
# an uploaded image may process for this long, and every call costs this much (nothing).
# The Mastodon sandbox stands in for an instance under the X sandbox's base URL; a person
# reads its posts there unless MASTODON_SANDBOX_WEB_URL says otherwise (MASTODON_WEB_URL
# likewise for real instances: blank means the bot's own server).
MASTODON_API_CONNECT_TIMEOUT = env.float("MASTODON_API_CONNECT_TIMEOUT", default=5.0)
MASTODON_API_READ_TIMEOUT = env.float("MASTODON_API_READ_TIMEOUT", default=20.0)
MASTODON_MEDIA_DEADLINE_SECONDS = env.float("MASTODON_MEDIA_DEADLINE_SECONDS", default=30.0)
MASTODON_PRICE_PER_CALL_USD = env.float("MASTODON_PRICE_PER_CALL_USD", default=0.0)
MASTODON_SANDBOX_BASE_URL = env.str(
    "MASTODON_SANDBOX_BASE_URL", default=SANDBOX_BASE_URL.rstrip("/") + "/mastodon"
)
MASTODON_SANDBOX_WEB_URL = env.str("MASTODON_SANDBOX_WEB_URL", default="")
MASTODON_WEB_URL = env.str("MASTODON_WEB_URL", default="")
# How long the Mastodon sandbox processes an uploaded image (answering 202 until then), and
# the status length its /api/v2/instance announces and enforces.
XSANDBOX_MASTODON_PROCESSING_SECONDS = env.float(
    "XSANDBOX_MASTODON_PROCESSING_SECONDS", default=0.3
)
XSANDBOX_MASTODON_MAX_CHARACTERS = env.int("XSANDBOX_MASTODON_MAX_CHARACTERS", default=500)

# Celery: JSON messages that only carry row ids; at-least-once delivery with the row as the
# truth (DESIGN.md). The visibility timeout outlives every task's hard time limit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task events: nothing here reads them (no Flower), and each task would publish three
# (received, started, succeeded) through Redis. The worker's heartbeats still go out, and
# the dashboard's health check (project/celery.py) still hears them.
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Celery's Django fixup closes the database connection around every task unless this is
# set, and a fresh connection costs ~10 ms a query: it is set past any worker's life, and
# project/celery.py applies Django's own rule (DB_CONN_MAX_AGE, errors) between tasks.
CELERY_DB_REUSE_MAX = 2**31

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {"redact_sign_in": {"()": "project.log_filters.RedactSignInQuery"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # runserver's request lines: the verifier X sends back in the callback's query
        # never reaches the log.
        "django.server": {
            "handlers": ["server"],
            "filters": ["redact_sign_in"],
            "level": "INFO",
            "propagate": False,
        },
        # urllib3 and oauthlib log request headers at DEBUG, which include signatures.
        "urllib3": {"level": "INFO"},
        "oauthlib": {"level": "INFO"},
        "requests_oauthlib": {"level": "INFO"},
        "tweepy": {"level": "INFO"},
    },
}

# Uploads: corpora may be large text files; pasted text is capped separately by its form.
CORPUS_MAX_UPLOAD_BYTES = env.int("CORPUS_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The posting pipeline (tweets.posting). A lease outlives the task's hard time limit, so a
# live worker never loses its claim; an expired lease means the worker died holding it.
TWEET_LEASE_SECONDS = env.int("TWEET_LEASE_SECONDS", default=300)
TWEET_MAX_TRANSIENT_ATTEMPTS = env.int("TWEET_MAX_TRANSIENT_ATTEMPTS", default=6)
TWEET_BACKOFF_BASE_SECONDS = env.int("TWEET_BACKOFF_BASE_SECONDS", default=30)
TWEET_BACKOFF_MAX_SECONDS = env.int("TWEET_BACKOFF_MAX_SECONDS", default=3600)
TWEET_RECONCILE_GRACE_SECONDS = env.int("TWEET_RECONCILE_GRACE_SECONDS", default=120)
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=60.0)
# Novelty (tweets.novelty): a draft this similar (Jaccard of word pairs, 0-1) to one of the
# bot's posts of the last NOVELTY_LOOKBACK_DAYS, or to a waiting draft, is thrown away. Every
# such text counts, however many: the check reads a stored index of word pairs.
NOVELTY_THRESHOLD = env.float("NOVELTY_THRESHOLD", default=0.7)
NOVELTY_LOOKBACK_DAYS = env.int("NOVELTY_LOOKBACK_DAYS", default=30)
# Schedules and listening (autonomy.slots, autonomy.listening).
LISTEN_INTERVAL_SECONDS = env.float("LISTEN_INTERVAL_SECONDS", default=60.0)
# Pages of 100 mentions one read follows at most, so a flood holds no worker: the rest are
# read on the next run.
LISTEN_MAX_PAGES = env.int("LISTEN_MAX_PAGES", default=5)
SCHEDULE_MAX_WAITING_DRAFTS = env.int("SCHEDULE_MAX_WAITING_DRAFTS", default=20)
# X's pay-per-use prices in US dollars (platforms.x.rules; DESIGN.md, "Facts"): a post, a
# post with a link, a reply to a post that mentioned the bot, alt text, reads of a post, of
# a user and of the app owner's own data. The sandbox charges X's prices unless told
# otherwise, so the demo shows real figures.
X_PRICE_PER_POST_USD = env.float("X_PRICE_PER_POST_USD", default=0.015)
X_PRICE_PER_POST_WITH_LINK_USD = env.float("X_PRICE_PER_POST_WITH_LINK_USD", default=0.20)
X_PRICE_PER_SUMMONED_REPLY_USD = env.float("X_PRICE_PER_SUMMONED_REPLY_USD", default=0.010)
X_PRICE_PER_MEDIA_METADATA_USD = env.float("X_PRICE_PER_MEDIA_METADATA_USD", default=0.005)
X_PRICE_PER_POST_READ_USD = env.float("X_PRICE_PER_POST_READ_USD", default=0.005)
X_PRICE_PER_USER_READ_USD = env.float("X_PRICE_PER_USER_READ_USD", default=0.010)
X_PRICE_PER_OWNED_READ_USD = env.float("X_PRICE_PER_OWNED_READ_USD", default=0.001)
SANDBOX_PRICE_PER_POST_USD = env.float("SANDBOX_PRICE_PER_POST_USD", default=X_PRICE_PER_POST_USD)
SANDBOX_PRICE_PER_POST_WITH_LINK_USD = env.float(
    "SANDBOX_PRICE_PER_POST_WITH_LINK_USD", default=X_PRICE_PER_POST_WITH_LINK_USD
)
SANDBOX_PRICE_PER_SUMMONED_REPLY_USD = env.float(
    "SANDBOX_PRICE_PER_SUMMONED_REPLY_USD", default=X_PRICE_PER_SUMMONED_REPLY_USD
)
SANDBOX_PRICE_PER_MEDIA_METADATA_USD = env.float(
    "SANDBOX_PRICE_PER_MEDIA_METADATA_USD", default=X_PRICE_PER_MEDIA_METADATA_USD
)
SANDBOX_PRICE_PER_POST_READ_USD = env.float(
    "SANDBOX_PRICE_PER_POST_READ_USD", default=X_PRICE_PER_POST_READ_USD
)
SANDBOX_PRICE_PER_USER_READ_USD = env.float(
    "SANDBOX_PRICE_PER_USER_READ_USD", default=X_PRICE_PER_USER_READ_USD
)
SANDBOX_PRICE_PER_OWNED_READ_USD = env.float(
    "SANDBOX_PRICE_PER_OWNED_READ_USD", default=X_PRICE_PER_OWNED_READ_USD
)
# Who keeps what each billable call to a network cost (platforms.client_for): a factory
# taking a bot and returning the callback the client reports each Charge to.
PLATFORM_CALL_RECORDER = "bots.spend.recorder"
# Expiry (tweets.expiry): a tweet approved for a slot expires when it has not gone out this
# long after the slot; the sweep for expired tweets and drafts runs this often.
TWEET_SLOT_GRACE_MINUTES = env.int("TWEET_SLOT_GRACE_MINUTES", default=15)
EXPIRY_INTERVAL_SECONDS = env.float("EXPIRY_INTERVAL_SECONDS", default=300.0)
# Credential health (bots.health): every bot's credentials are checked this often, spread
# over the period by a beat task that runs every CREDENTIAL_CHECK_TICK_SECONDS.
CREDENTIAL_CHECK_HOURS = env.float("CREDENTIAL_CHECK_HOURS", default=6.0)
CREDENTIAL_CHECK_TICK_SECONDS = env.float("CREDENTIAL_CHECK_TICK_SECONDS", default=600.0)
# The live parts of the dashboard, bot page and review queue refresh this often while seen.
LIVE_REFRESH_SECONDS = env.float("LIVE_REFRESH_SECONDS", default=10.0)
# Problem emails (tweets.notices): the sweep that sends them runs this often.
NOTICE_INTERVAL_SECONDS = env.float("NOTICE_INTERVAL_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-tweets": {"task": "tweets.tasks.sweep_tweets", "schedule": SWEEP_INTERVAL_SECONDS},
    "run-due-slots": {"task": "autonomy.tasks.run_due_slots", "schedule": SWEEP_INTERVAL_SECONDS},
    "listen-for-mentions": {
        "task": "autonomy.tasks.listen_for_mentions",
        "schedule": LISTEN_INTERVAL_SECONDS,
    },
    "expire-tweets": {"task": "tweets.tasks.expire_tweets", "schedule": EXPIRY_INTERVAL_SECONDS},
    "check-credentials": {
        "task": "bots.tasks.check_due_credentials",
        "schedule": CREDENTIAL_CHECK_TICK_SECONDS,
    },
    "send-notices": {"task": "tweets.tasks.send_notices", "schedule": NOTICE_INTERVAL_SECONDS},
}
