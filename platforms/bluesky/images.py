"""Images for Bluesky: re-encoded under the PDS's blob limit (about 1 MB), opened as the
gallery opens them (known formats only, a decompression bomb refused)."""

import io
import warnings

from PIL import Image

from platforms.bluesky.rules import MAX_IMAGE_BYTES

# JPEG qualities tried in turn, then smaller sizes.
QUALITIES = (90, 80, 70, 60)
MAX_SIDE = 2000
IMAGE_FORMATS = ["JPEG", "PNG", "GIF", "WEBP"]


def encoded(path) -> tuple[bytes, str, tuple[int, int]]:
    """The image at `path` as JPEG (PNG where it has transparency) under the blob limit,
    stepping down quality, then size; with its width and height."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path, formats=IMAGE_FORMATS) as source:
            image = source.convert("RGBA" if "A" in source.getbands() else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    while True:
        if image.mode == "RGBA":
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            if buffer.tell() <= MAX_IMAGE_BYTES:
                return buffer.getvalue(), "image/png", image.size
        else:
            for quality in QUALITIES:
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=quality, optimize=True)
                if buffer.tell() <= MAX_IMAGE_BYTES:
                    return buffer.getvalue(), "image/jpeg", image.size
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)))
