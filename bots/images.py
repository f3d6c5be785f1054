"""Turn uploaded bytes into an image safe to store and ready for X, or refuse it with a reason.

Pillow and X's image limits (platforms.x.rules), no database: the gallery service, the admin
form and the benchmark share it.
"""

import contextlib
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from platforms.x import rules as x_rules

FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # checked from the header, before anything is decoded
# All frames of an animation together, checked from the header before any frame is decoded
# and again as frames are decoded (a GIF frame may be drawn larger than its header says).
# Every frame is held as RGBA while it is re-encoded: 25 million pixels are about 100 MB.
MAX_ANIMATION_PIXELS = 25_000_000
MAX_SIDE = 4096
# X's limit for an image (and our limit for a GIF). Gallery images are made to fit X, whose
# rules the sandbox shares; this module knows no bot.
MAX_ENCODED_BYTES = x_rules.MAX_IMAGE_BYTES
_MAX_ENCODED = f"{MAX_ENCODED_BYTES // (1024 * 1024)} MB"
JPEG_QUALITIES = (85, 75, 65, 55, 45)
THUMBNAIL_SIDE = 320

_SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, in a sentence."""


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    format: str
    width: int
    height: int
    sha256: str
    thumbnail: bytes
    thumbnail_format: str

    @property
    def extension(self) -> str:
        return self.format.lower()


def ingest_image(
    data: bytes, *, name: str, max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
) -> ProcessedImage:
    """Decode, check and re-encode an upload; raises ImageRejected for anything we refuse.

    1. size limits on the file and (from the header) on the pixels;
    2. a full decode, with Pillow's bomb warning as an error;
    3. orientation applied, colours in sRGB, every piece of metadata dropped by re-encoding;
    4. at most 4096 px on the long side and X's image size encoded; a 320 px thumbnail.
    """
    if not data:
        raise ImageRejected(f"“{name}” is empty (zero bytes).")
    if len(data) > max_bytes:
        raise ImageRejected(
            f"“{name}” is {_megabytes(len(data))}; "
            f"files up to {_megabytes(max_bytes)} are accepted."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, name)
        if getattr(image, "n_frames", 1) > 1:
            return _animated_gif(image, name)
        image = _normalise(image, name)
    content, format_ = _encode(image, name)
    thumbnail, thumbnail_format = _thumbnail(image)
    return ProcessedImage(
        content=content,
        format=format_,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=thumbnail,
        thumbnail_format=thumbnail_format,
    )


def _open(data: bytes, name: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageRejected(
            f"“{name}” is not a JPEG, PNG, WEBP or GIF image (whatever its name says)."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(f"“{name}” could not be read as an image ({error}).") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(name, width, height)
    if width == 0 or height == 0:
        raise ImageRejected(f"“{name}” has no pixels.")
    # A GIF's frames are counted by skipping their data, not decoding it.
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and frames * width * height > MAX_ANIMATION_PIXELS:
        raise _too_many_frames(name, frames, width, height)
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, width, height) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRejected(
            f"“{name}” is damaged or cut short and could not be decoded ({error})."
        ) from None
    return image


def _normalise(image: Image.Image, name: str) -> Image.Image:
    source_format = image.format
    # A broken orientation tag is ignored: the picture is kept as stored.
    with contextlib.suppress(OSError, ValueError, SyntaxError):
        image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    image.info = {}
    image.format = source_format
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Give every image one of three modes: RGB, RGBA (alpha kept) or L (greyscale)."""
    profile = image.info.get("icc_profile")
    has_alpha = (
        image.mode in ("RGBA", "LA", "PA")
        or (image.mode == "P" and "transparency" in image.info)
        or (image.mode in ("RGB", "L") and "transparency" in image.info)
    )
    if image.mode in ("1", "F") or image.mode.startswith("I"):
        image = image.convert("L")  # bilevel and 16/32-bit greyscale become 8-bit grey
    target = "RGBA" if has_alpha else ("L" if image.mode == "L" else "RGB")
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L") and target != "L":
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: convert without it rather than refuse the image
    if image.mode != target:
        image = image.convert(target)
    return image


def _encode(image: Image.Image, name: str) -> tuple[bytes, str]:
    """JPEG for photos; PNG for transparency and for PNG/GIF sources (graphics) if it fits."""
    if image.mode == "RGBA" or image.format in ("PNG", "GIF"):
        while True:
            content = _save(image, "PNG", optimize=False, compress_level=6)
            if len(content) <= MAX_ENCODED_BYTES:
                return content, "PNG"
            if image.mode != "RGBA":
                break  # no transparency to keep: a JPEG will fit
            if max(image.size) < 512:
                raise ImageRejected(
                    f"“{name}” does not fit in {_MAX_ENCODED} even when made smaller."
                )
            image = image.resize(
                (image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.LANCZOS
            )
    for quality in JPEG_QUALITIES:
        content = _save(image, "JPEG", quality=quality)
        if len(content) <= MAX_ENCODED_BYTES:
            return content, "JPEG"
    raise ImageRejected(f"“{name}” does not fit in {_MAX_ENCODED} even at low quality.")


def _animated_gif(image: Image.Image, name: str) -> ProcessedImage:
    """Keep the animation: frames, timings and loop re-encoded, nothing else carried over."""
    if image.format != "GIF":
        raise ImageRejected(f"“{name}” is an animated {image.format}; only animated GIFs are kept.")
    if max(image.size) > MAX_SIDE:
        raise ImageRejected(f"“{name}” is larger than 4096 px on a side; X refuses such GIFs.")
    frames, durations = [], []
    decoded = 0
    try:
        for index in range(image.n_frames):
            image.seek(index)
            decoded += image.width * image.height
            if decoded > MAX_ANIMATION_PIXELS or max(image.size) > MAX_SIDE:
                raise _too_many_frames(name, image.n_frames, image.width, image.height)
            frames.append(image.convert("RGBA"))
            durations.append(image.info.get("duration", 100))
    except (OSError, EOFError, ValueError) as error:
        raise ImageRejected(f"“{name}” is a damaged GIF ({error}).") from None
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=image.info.get("loop", 0),
        disposal=2,
    )
    content = buffer.getvalue()
    if len(content) > MAX_ENCODED_BYTES:
        raise ImageRejected(
            f"“{name}” is an animated GIF of {_megabytes(len(content))}; "
            f"animated GIFs must be at most {_MAX_ENCODED}."
        )
    first = frames[0]
    thumbnail, thumbnail_format = _thumbnail(first)
    return ProcessedImage(
        content=content,
        format="GIF",
        width=first.width,
        height=first.height,
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=thumbnail,
        thumbnail_format=thumbnail_format,
    )


def _thumbnail(image: Image.Image) -> tuple[bytes, str]:
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    format_ = _thumbnail_format(image)
    if format_ == "PNG":
        return _save(thumb, "PNG"), format_
    return _save(thumb, "JPEG", quality=80), format_


def _thumbnail_format(image: Image.Image) -> str:
    return "PNG" if image.mode == "RGBA" else "JPEG"


def _save(image: Image.Image, format_: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format_, **options)
    return buffer.getvalue()


def _too_many_pixels(name: str, width: int = 0, height: int = 0) -> ImageRejected:
    size = f" ({width} by {height})" if width else ""
    return ImageRejected(
        f"“{name}” has too many pixels{size}; images up to "
        f"{MAX_PIXELS // 1_000_000} megapixels are accepted."
    )


def _too_many_frames(name: str, frames: int, width: int, height: int) -> ImageRejected:
    return ImageRejected(
        f"“{name}” has too many frames for its size ({frames} frames of {width} by {height}); "
        f"an animation may have up to {MAX_ANIMATION_PIXELS // 1_000_000} million pixels "
        "in all its frames together."
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
