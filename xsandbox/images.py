"""Checking uploaded images as X does (a real JPEG, PNG, GIF or WEBP within X's size), and
re-encoding them, so what the sandbox stores and serves is only ever pixels."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from platforms.x.rules import RULES as X

MAX_BYTES = X.max_image_bytes
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


class NotAnImage(ValueError):
    """The upload is not an image the sandbox accepts."""


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def check_image(data: bytes) -> CheckedImage:
    """Decode the image fully (verify() alone passes truncated JPEGs), refuse decompression
    bombs, and re-encode it: EXIF, GPS and any polyglot payload are dropped."""
    if len(data) > MAX_BYTES:
        raise NotAnImage(f"Images must be at most {MAX_BYTES // (1024 * 1024)} MB.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(CONTENT_TYPES)) as image:
                image.load()
                kind = image.format
                clean = io.BytesIO()
                if getattr(image, "is_animated", False):
                    image.save(clean, kind, save_all=True)
                else:
                    image.save(clean, kind)
                return CheckedImage(kind, image.width, image.height, clean.getvalue())
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            ValueError,
            SyntaxError,
            EOFError,
        ) as error:
            raise NotAnImage(
                "The media is not a supported image (JPEG, PNG, GIF or WEBP)."
            ) from error
