"""Bluesky's Rules: 300 graphemes, 4 images of about 1 MB each (the PDS's blob limit for
app.bsky.embed.images), 2,000 characters of alt text, and no price: posting is free, so
every call's price is the one setting BLUESKY_PRICE_PER_CALL_USD (0)."""

from platforms.base import Call, Rules
from platforms.bluesky import text

MAX_LENGTH = text.MAX_GRAPHEMES
MAX_IMAGES = 4
MAX_ALT_TEXT = 2000
MAX_IMAGE_BYTES = 1_000_000

PRICE_SETTINGS = dict.fromkeys(Call, "BLUESKY_PRICE_PER_CALL_USD")

RULES = Rules(
    max_length=MAX_LENGTH,
    weighted_length=text.grapheme_length,
    is_valid=text.is_valid,
    has_url=text.has_url,
    max_images=MAX_IMAGES,
    max_alt_text=MAX_ALT_TEXT,
    max_image_bytes=MAX_IMAGE_BYTES,
    price_settings=PRICE_SETTINGS,
    ids_in_time_order=False,
)
