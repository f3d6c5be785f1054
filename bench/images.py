"""Gallery ingest against bare Pillow: `python -m bench.images [--runs 7]`.

Makes a 24-megapixel JPEG with noise (so it does not compress away), an embedded colour profile
and an EXIF orientation, as a phone writes one, so that every path of the ingest runs: the
rotation, the conversion to sRGB and the resize to 4096 px. Then times, in the same process,
runs alternating (so neither side has the warmer caches or the quieter moment):
bots.images.ingest_image (every check, re-encode, hash and thumbnail) and bare Pillow doing the
same work (open, exif_transpose, profile to sRGB, resize to 4096, save at quality 85 and a
320 px thumbnail). Prints the median of each and the ratio; the target is at most 1.5x.

Then feeds issue 20's animated GIF (4096 by 4096, 11 flat frames, about 0.14 MB) to a fresh
process and prints how long its refusal took and how much memory it added at the peak; the
target is a refusal within a second adding under 50 MB. The exit status says whether both held.
"""

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from bots.images import ingest_image

SIZE = (6000, 4000)  # 24 megapixels: past 4096 px, under the 40-megapixel refusal
ORIENTATION = 6  # EXIF: rotate 90 degrees to show
_SRGB = ImageCms.createProfile("sRGB")
TARGET_RATIO = 1.5
BOMB_SIZE, BOMB_FRAMES = (4096, 4096), 11
TARGET_REFUSAL_SECONDS = 1.0
TARGET_REFUSAL_MB = 50

# Run in a fresh interpreter so that the peak (ru_maxrss, in KiB on Linux) is the ingest's own.
_MEASURE = """
import json, resource, sys, time
from bots.images import ImageRejected, ingest_image
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
try:
    ingest_image(data, name="animated.gif")
    outcome = "accepted"
except ImageRejected as error:
    outcome = str(error)
seconds = time.perf_counter() - began
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "seconds": seconds, "added_kib": after - before}))
"""


def noisy_jpeg() -> bytes:
    """A photo-like picture: smooth gradients plus grain, saved as a camera would (q92)."""
    gradient = Image.linear_gradient("L").resize(SIZE)
    channels = [
        Image.blend(gradient, Image.effect_noise(SIZE, sigma), 0.35) for sigma in (30, 45, 60)
    ]
    picture = Image.merge("RGB", channels)
    exif = Image.Exif()
    exif[0x0112] = ORIENTATION
    profile = ImageCms.ImageCmsProfile(_SRGB).tobytes()
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92, exif=exif, icc_profile=profile)
    return buffer.getvalue()


def flat_animated_gif(size=BOMB_SIZE, frames=BOMB_FRAMES) -> bytes:
    """An animated GIF whose frames are one flat colour, so that they compress to almost
    nothing: Pillow encodes one frame, and the file repeats its image block."""
    head, block = gif_parts(size)
    return head + block * frames + b";"


def gif_parts(size) -> tuple[bytes, bytes]:
    """A flat GIF of `size` split into its header (with palette) and its one image block."""
    buffer = io.BytesIO()
    Image.new("P", size, 0).save(buffer, "GIF")
    single = buffer.getvalue()
    flags = single[10]
    start = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    if single[start : start + 1] != b",":
        raise ValueError("Pillow wrote something before the image block; cannot repeat it.")
    return single[:start], single[start:-1]


@dataclass(frozen=True)
class Measured:
    outcome: str
    seconds: float
    added_mb: float


def measure_ingest(data: bytes) -> Measured:
    """Ingest `data` in a fresh process: its outcome, time and added peak memory."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        input=data,
        capture_output=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
        check=True,
    )
    figures = json.loads(result.stdout)
    return Measured(figures["outcome"], figures["seconds"], figures["added_kib"] / 1024)


def bare_pillow(data: bytes) -> tuple[bytes, bytes]:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    source = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
    image = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    image.thumbnail((4096, 4096), Image.Resampling.LANCZOS)
    full = io.BytesIO()
    image.save(full, "JPEG", quality=85)
    thumb = image.copy()
    thumb.thumbnail((320, 320))
    small = io.BytesIO()
    thumb.save(small, "JPEG")
    return full.getvalue(), small.getvalue()


def aviary(data: bytes):
    return ingest_image(data, name="bench.jpg")


def alternating_medians(first, second, data: bytes, runs: int) -> tuple[float, float]:
    """Median seconds of each function over `runs` runs, taking turns at going first."""
    times = ([], [])
    for run in range(runs):
        order = (0, 1) if run % 2 == 0 else (1, 0)
        for which in order:
            began = time.perf_counter()
            (first, second)[which](data)
            times[which].append(time.perf_counter() - began)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    data = noisy_jpeg()
    processed = aviary(data)  # warm up both paths once
    bare_pillow(data)
    pillow_s, aviary_s = alternating_medians(bare_pillow, aviary, data, runs)
    ratio = aviary_s / pillow_s
    out = Image.open(io.BytesIO(processed.content))
    rotated, resized = out.height > out.width, max(out.size) == 4096
    converted = "icc_profile" not in out.info
    print(
        f"input: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1048576:.2f} MB, EXIF orientation "
        f"{ORIENTATION}, embedded colour profile"
    )
    print(
        f"output: {processed.format} {out.width}x{out.height}, "
        f"{len(processed.content) / 1048576:.2f} MB; rotated {rotated}, resized {resized}, "
        f"profile converted and dropped {converted}"
    )
    print(f"bare Pillow: {pillow_s * 1000:.0f} ms (median of {runs}, alternating)")
    print(f"bots.images: {aviary_s * 1000:.0f} ms (median of {runs}, alternating)")
    held = ratio <= TARGET_RATIO and rotated and resized and converted
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x, every path run: ", end="")
    print("held)" if held else "MISSED)")
    bomb = flat_animated_gif()
    refusal = measure_ingest(bomb)
    refused = (
        refusal.outcome != "accepted"
        and refusal.seconds <= TARGET_REFUSAL_SECONDS
        and refusal.added_mb <= TARGET_REFUSAL_MB
    )
    print(
        f"animated GIF {BOMB_SIZE[0]}x{BOMB_SIZE[1]}, {BOMB_FRAMES} frames, "
        f"{len(bomb) / 1048576:.2f} MB: {refusal.outcome}"
    )
    print(
        f"  in {refusal.seconds * 1000:.0f} ms, peak +{refusal.added_mb:.0f} MB (target <= "
        f"{TARGET_REFUSAL_SECONDS:.0f} s and {TARGET_REFUSAL_MB} MB: "
        f"{'held' if refused else 'MISSED'})"
    )
    return 0 if held and refused else 1


if __name__ == "__main__":
    sys.exit(main())
