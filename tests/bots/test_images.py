"""bots.images: what is accepted, how it is cleaned, and every refusal with its reason."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms

from bench.images import flat_animated_gif, gif_parts, measure_ingest
from bots.images import MAX_ENCODED_BYTES, ImageRejected, ingest_image
from tests.factories import image_bytes


def encode(image, format_, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format_, **options)
    return buffer.getvalue()


def png_header_only(width, height) -> bytes:
    """A tiny PNG whose header claims a huge size (the pixels never follow)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


def test_it_accepts_a_jpeg_and_makes_a_thumbnail():
    processed = ingest_image(image_bytes(size=(1200, 800), format="JPEG"), name="a.jpg")

    assert processed.format == "JPEG"
    assert (processed.width, processed.height) == (1200, 800)
    thumb = Image.open(io.BytesIO(processed.thumbnail))
    assert max(thumb.size) == 320


def test_it_refuses_a_truncated_jpeg():
    data = encode(Image.effect_noise((400, 300), 50).convert("RGB"), "JPEG")

    with pytest.raises(ImageRejected, match="damaged or cut short"):
        ingest_image(data[: len(data) // 2], name="cut.jpg")


def test_it_refuses_a_zero_byte_file():
    with pytest.raises(ImageRejected, match="empty"):
        ingest_image(b"", name="nothing.png")


def test_it_refuses_a_100_megapixel_bomb_before_decoding():
    with pytest.raises(ImageRejected, match="too many pixels"):
        ingest_image(png_header_only(10_000, 10_000), name="bomb.png")


def test_it_refuses_a_png_of_huge_dimensions_in_a_tiny_file():
    data = png_header_only(60_000, 60_000)
    assert len(data) < 200

    with pytest.raises(ImageRejected, match="too many pixels"):
        ingest_image(data, name="huge.png")


def test_it_refuses_a_text_file_named_jpg():
    with pytest.raises(ImageRejected, match="not a JPEG, PNG, WEBP or GIF"):
        ingest_image(b"just some words, not a picture\n" * 10, name="notes.jpg")


def test_it_refuses_an_svg_with_a_script():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
    )

    with pytest.raises(ImageRejected, match="not a JPEG, PNG, WEBP or GIF"):
        ingest_image(svg, name="logo.svg")


def test_it_refuses_a_file_over_the_limit():
    with pytest.raises(ImageRejected, match="files up to"):
        ingest_image(image_bytes(), name="big.png", max_bytes=100)


def test_it_converts_a_cmyk_jpeg_with_an_icc_profile_to_srgb():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    cmyk = Image.new("CMYK", (300, 200), (0, 255, 255, 0))  # pure red in CMYK
    data = encode(cmyk, "JPEG", icc_profile=profile)

    processed = ingest_image(data, name="print.jpg")

    stored = Image.open(io.BytesIO(processed.content))
    assert stored.mode == "RGB"
    assert "icc_profile" not in stored.info
    red, green, blue = stored.getpixel((150, 100))
    assert red > 200 and green < 60 and blue < 60


def test_it_drops_gps_and_all_exif_and_applies_the_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    data = encode(Image.new("RGB", (400, 200), "blue"), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)

    processed = ingest_image(data, name="holiday.jpg")

    stored = Image.open(io.BytesIO(processed.content))
    assert (stored.width, stored.height) == (200, 400)
    assert not stored.getexif()
    assert "exif" not in stored.info


def test_it_keeps_a_png_with_transparency_as_png():
    data = encode(Image.new("RGBA", (100, 100), (10, 20, 30, 0)), "PNG")

    processed = ingest_image(data, name="logo.png")

    assert processed.format == "PNG"
    assert Image.open(io.BytesIO(processed.content)).mode == "RGBA"


def test_it_shrinks_the_long_side_to_4096():
    data = image_bytes(size=(6000, 1000), format="JPEG")

    processed = ingest_image(data, name="wide.jpg")

    assert (processed.width, processed.height) == (4096, 683)


def test_it_keeps_the_encoded_image_within_5_mb():
    noise = Image.merge("RGB", [Image.effect_noise((4000, 3000), 120) for _ in range(3)])
    data = encode(noise, "PNG", compress_level=1)

    processed = ingest_image(data, name="noise.png", max_bytes=100 * 1024 * 1024)

    assert len(processed.content) <= MAX_ENCODED_BYTES
    assert processed.format == "JPEG"


def test_it_keeps_an_animated_gif_animated():
    frames = [Image.new("RGB", (50, 50), (index * 60, 0, 0)) for index in range(4)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=120)

    processed = ingest_image(data, name="blink.gif")

    stored = Image.open(io.BytesIO(processed.content))
    assert processed.format == "GIF"
    assert stored.n_frames == 4


def test_the_same_picture_gives_the_same_hash():
    data = image_bytes(format="JPEG")

    assert ingest_image(data, name="a.jpg").sha256 == ingest_image(data, name="b.jpg").sha256


def test_it_refuses_a_huge_animated_gif_quickly_before_decoding_its_frames():
    data = flat_animated_gif(size=(4096, 4096), frames=11)  # issue 20's GIF, about 0.14 MB
    assert len(data) < 200_000

    measured = measure_ingest(data)

    assert "too many frames" in measured.outcome
    assert "11 frames of 4096 by 4096" in measured.outcome
    assert measured.seconds < 1
    assert measured.added_mb < 50


def test_it_refuses_an_animated_gif_whose_frames_grow_past_its_header():
    # The header says 64 by 64; every frame is drawn 2048 by 2048, so only decoding shows it.
    head, small = gif_parts((64, 64))
    _, large = gif_parts((2048, 2048))
    data = head + small + large * 11 + b";"

    with pytest.raises(ImageRejected, match="too many frames"):
        ingest_image(data, name="grows.gif")
