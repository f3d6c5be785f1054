"""Gallery ingest against bare Pillow: `python -m bench.images [--runs 7]`.

Makes a 12-megapixel JPEG with noise (so it does not compress away), then times, in the same
process and run: bots.images.ingest_image (every check, re-encode, hash and thumbnail) and
bare Pillow doing open, exif_transpose, resize to 4096, save at quality 85 and a 320 px
thumbnail. Prints the median of each and the ratio; the target is at most 1.5x, and the
exit status says whether it held.
"""

import argparse
import io
import statistics
import sys
import time

from PIL import Image, ImageOps

from bots.images import ingest_image

SIZE = (4000, 3000)  # 12 megapixels
TARGET_RATIO = 1.5


def noisy_jpeg() -> bytes:
    """A photo-like picture: smooth gradients plus grain, saved as a camera would (q92)."""
    gradient = Image.linear_gradient("L").resize(SIZE)
    channels = [
        Image.blend(gradient, Image.effect_noise(SIZE, sigma), 0.35) for sigma in (30, 45, 60)
    ]
    picture = Image.merge("RGB", channels)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def bare_pillow(data: bytes) -> tuple[bytes, bytes]:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image.thumbnail((4096, 4096))
    full = io.BytesIO()
    image.save(full, "JPEG", quality=85)
    thumb = image.copy()
    thumb.thumbnail((320, 320))
    small = io.BytesIO()
    thumb.save(small, "JPEG")
    return full.getvalue(), small.getvalue()


def aviary(data: bytes):
    return ingest_image(data, name="bench.jpg")


def median_seconds(function, data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    data = noisy_jpeg()
    processed = aviary(data)  # warm up both paths once
    bare_pillow(data)
    pillow_s = median_seconds(bare_pillow, data, runs)
    aviary_s = median_seconds(aviary, data, runs)
    ratio = aviary_s / pillow_s
    print(f"input: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1048576:.2f} MB")
    print(f"output: {processed.format}, {len(processed.content) / 1048576:.2f} MB")
    print(f"bare Pillow: {pillow_s * 1000:.0f} ms (median of {runs})")
    print(f"bots.images: {aviary_s * 1000:.0f} ms (median of {runs})")
    held = ratio <= TARGET_RATIO
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x: {'held' if held else 'MISSED'})")
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
