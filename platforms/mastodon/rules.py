"""Mastodon's Rules: the instance's own limit (configuration.statuses.max_characters of
GET /api/v2/instance, 500 when it does not say), counted as Mastodon counts it (graphemes,
every URL as 23, a remote mention @user@domain as its local part), 4 images, and prices of
nothing (settings, so the caps and budgets still apply).

The limit is read once per instance and cached (Django's cache); an instance that cannot be
read gets the defaults for a few minutes, so no page waits on it twice.
"""

import logging
import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import regex
import requests
from django.conf import settings
from django.core.cache import cache

from platforms.base import Call, Rules

log = logging.getLogger(__name__)

MAX_LENGTH = 500
MAX_IMAGES = 4
# Mastodon's MediaAttachment::MAX_DESCRIPTION_LENGTH, and its image_size_limit default.
MAX_ALT_TEXT = 1500
MAX_IMAGE_BYTES = 16 * 1024 * 1024
URL_LENGTH = 23
INSTANCE_PATH = "/api/v2/instance"
CACHE_SECONDS = 24 * 60 * 60
# Mastodon keeps an Idempotency-Key's status for an hour; a margin for clocks and queues.
IDEMPOTENCY_WINDOW = timedelta(minutes=50)
CACHE_SECONDS_AFTER_FAILURE = 5 * 60

# Mastodon's extractor counts only URLs with a scheme (extract_url_without_protocol: false).
_URL = re.compile(r"(?<![\w/])https?://[^\s<>\"]+[^\s<>\".,:;!?)\]'\u2019]", re.IGNORECASE)
_REMOTE_MENTION = re.compile(r"(?<![\w@])@(\w+(?:[.-]\w+)*)@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_GRAPHEME = regex.compile(r"\X")


def countable_text(text: str) -> str:
    """The text as Mastodon's StatusLengthValidator counts it."""
    return _REMOTE_MENTION.sub(r"@\1", _URL.sub("x" * URL_LENGTH, text))


def weighted_length(text: str) -> int:
    """Graphemes of the countable text (Ruby's grapheme_length)."""
    return len(_GRAPHEME.findall(countable_text(text)))


def has_url(text: str) -> bool:
    return bool(_URL.search(text))


def _valid_within(max_length: int):
    def is_valid(text: str) -> bool:
        return bool(text.strip()) and weighted_length(text) <= max_length

    return is_valid


# Every call costs the same setting (0: Mastodon charges nothing), kept as a price so the
# budget code needs no special case.
PRICE_SETTINGS = {call: "MASTODON_PRICE_PER_CALL_USD" for call in Call}

RULES = Rules(
    max_length=MAX_LENGTH,
    weighted_length=weighted_length,
    is_valid=_valid_within(MAX_LENGTH),
    has_url=has_url,
    max_images=MAX_IMAGES,
    max_alt_text=MAX_ALT_TEXT,
    max_image_bytes=MAX_IMAGE_BYTES,
    price_settings=PRICE_SETTINGS,
    idempotency_window=IDEMPOTENCY_WINDOW,
    replies_name_author=True,
)


def rules_at(base_url: str) -> Rules:
    """The Rules of the instance at `base_url`, its limits read from /api/v2/instance (one
    call per instance a day; cached)."""
    key = f"platforms.mastodon.instance:{_origin(base_url)}"
    configured = cache.get(key)
    if configured is None:
        configured = read_configuration(base_url)
        seconds = CACHE_SECONDS if configured else CACHE_SECONDS_AFTER_FAILURE
        cache.set(key, configured, seconds)
    return rules_from(configured)


def rules_from(configuration: dict) -> Rules:
    """Rules from an instance's `configuration` (as /api/v2/instance gives it)."""
    statuses = configuration.get("statuses") or {}
    media = configuration.get("media_attachments") or {}
    max_length = _positive(statuses.get("max_characters"), MAX_LENGTH)
    return replace(
        RULES,
        max_length=max_length,
        is_valid=_valid_within(max_length),
        max_images=_positive(statuses.get("max_media_attachments"), MAX_IMAGES),
        max_image_bytes=_positive(media.get("image_size_limit"), MAX_IMAGE_BYTES),
        max_alt_text=_positive(media.get("description_limit"), MAX_ALT_TEXT),
    )


def read_configuration(base_url: str) -> dict:
    """The instance's `configuration`, or {} when it cannot be read."""
    try:
        response = requests.get(
            base_url.rstrip("/") + INSTANCE_PATH,
            timeout=(settings.MASTODON_API_CONNECT_TIMEOUT, settings.MASTODON_API_READ_TIMEOUT),
        )
        response.raise_for_status()
        configuration = response.json().get("configuration")
    except (requests.RequestException, ValueError, AttributeError) as error:
        log.info("Mastodon instance %s: limits unread (%s)", _origin(base_url), error)
        return {}
    return configuration if isinstance(configuration, dict) else {}


def _positive(value, default: int) -> int:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
    )


def _origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}".lower()
