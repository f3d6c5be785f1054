"""X's Rules: 280 as twitter-text counts, 4 images of at most 5 MB, 1,000 characters of alt
text, and its pay-per-use prices (DESIGN.md, "Facts"), each a setting."""

from platforms.base import Call, Rules
from platforms.x import text

MAX_LENGTH = text.MAX_WEIGHTED_LENGTH
MAX_IMAGES = 4
MAX_ALT_TEXT = 1000
MAX_IMAGE_BYTES = 5 * 1024 * 1024

# The settings holding X's prices (project/settings.py).
PRICE_SETTINGS = {
    Call.POST: "X_PRICE_PER_POST_USD",
    Call.POST_WITH_URL: "X_PRICE_PER_POST_WITH_LINK_USD",
    Call.SUMMONED_REPLY: "X_PRICE_PER_SUMMONED_REPLY_USD",
    Call.MEDIA_METADATA: "X_PRICE_PER_MEDIA_METADATA_USD",
    Call.POST_READ: "X_PRICE_PER_POST_READ_USD",
    Call.USER_READ: "X_PRICE_PER_USER_READ_USD",
    Call.OWNED_READ: "X_PRICE_PER_OWNED_READ_USD",
}

RULES = Rules(
    max_length=MAX_LENGTH,
    weighted_length=text.weighted_length,
    is_valid=text.is_valid,
    has_url=text.has_url,
    max_images=MAX_IMAGES,
    max_alt_text=MAX_ALT_TEXT,
    max_image_bytes=MAX_IMAGE_BYTES,
    price_settings=PRICE_SETTINGS,
    replies_only_when_summoned=True,
    no_identical_text_across_accounts=True,
    automated_account_checklist=True,
)
