"""Turning what people upload into corpus text: decoding files and reading X archives.

Every function here takes bytes or text and returns text, or raises SourceRejected with a
sentence a person can act on. Nothing here touches the database.
"""

import html
import json
import re
import unicodedata

from charset_normalizer import from_bytes

from platforms.x.text import remove_urls

# Shares of a file that may be control characters or undecodable before we call it binary.
MAX_CONTROL_SHARE = 0.01
SAMPLE_BYTES = 64 * 1024

MENTION_RE = re.compile(r"(?<![\w@])@\w{1,15}\b:?")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# `window.YTD.tweets.part0 =` before the JSON; a plain JSON list has none (and its texts
# may hold "=" of their own).
ASSIGNMENT_RE = re.compile(r"\A\s*[A-Za-z_$][\w$.]*\s*=")


class SourceRejected(ValueError):
    """The upload cannot become corpus text; the message says why and what to do."""


def decode_text(data: bytes, *, name: str = "the file") -> str:
    """Decode an uploaded text file: UTF-8 (with or without BOM), UTF-16/32 with a BOM, or an
    encoding detected with confidence. Binary files and undecidable encodings are refused."""
    if not data.strip():
        raise SourceRejected(f"{name} is empty.")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = _decode_or_reject(data, "utf-32", name)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:4]:
        text = _decode_or_reject(data, "utf-16", name)
    elif data.startswith(b"\xef\xbb\xbf"):
        text = _decode_or_reject(data, "utf-8-sig", name)
    else:
        if b"\x00" in data[:SAMPLE_BYTES]:
            raise SourceRejected(f"{name} looks like a binary file, not text.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(data, name)
    text = normalise_text(text)
    sample = text[:SAMPLE_BYTES]
    if len(CONTROL_RE.findall(sample)) > MAX_CONTROL_SHARE * max(len(sample), 1):
        raise SourceRejected(f"{name} looks like a binary file, not text.")
    if not text.strip():
        raise SourceRejected(f"{name} has no text in it.")
    return text


def _decode_or_reject(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise SourceRejected(
            f"{name} starts like {encoding.upper()} but is not valid {encoding.upper()} "
            f"(at byte {error.start}). Save it as UTF-8 and upload it again."
        ) from None


def _detect(data: bytes, name: str) -> str:
    best = from_bytes(data[: 4 * SAMPLE_BYTES]).best()
    # Mixed or unknown encodings guess badly; refusing beats filling a corpus with mojibake.
    if best is None or best.chaos > 0.1 or best.encoding in {"utf_8", "ascii"}:
        raise SourceRejected(
            f"{name} is not UTF-8 and its encoding cannot be told for sure (it may mix "
            "several). Save it as UTF-8 and upload it again."
        )
    try:
        return data.decode(best.encoding)
    except UnicodeDecodeError:
        raise SourceRejected(
            f"{name} mixes encodings. Save it as UTF-8 and upload it again."
        ) from None


def normalise_text(text: str) -> str:
    """NFC, Unix line ends, and no control characters that would confuse the tokeniser."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\x00", "")


def read_x_archive(data: bytes, *, strip_links: bool, strip_mentions: bool) -> str:
    """Read the account's own posts from an X archive's `tweets.js` (or `tweet.js`).

    The file is JavaScript: `window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`.
    Retweets are skipped: their words are someone else's.
    """
    text = decode_text(data, name="tweets.js")
    assignment = ASSIGNMENT_RE.match(text)
    try:
        entries = json.loads(text[assignment.end() :] if assignment else text)
    except RecursionError:
        raise SourceRejected("tweets.js is nested too deeply to be an X archive.") from None
    except json.JSONDecodeError:
        raise SourceRejected(
            "This is not an X archive's tweets.js: expected `window.YTD.tweets.part0 = [...]`. "
            "It is in the data/ folder of the archive."
        ) from None
    if not isinstance(entries, list):
        raise SourceRejected("tweets.js holds no list of posts.")
    posts = []
    for entry in entries:
        tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
        if not isinstance(tweet, dict):
            continue
        body = html.unescape(str(tweet.get("full_text") or tweet.get("text") or ""))
        if not body or body.startswith("RT @"):
            continue
        if strip_links:
            body = remove_urls(body)
        if strip_mentions:
            body = MENTION_RE.sub("", body)
        body = " ".join(body.split())
        if body:
            posts.append(_as_sentence(body))
    if not posts:
        raise SourceRejected("tweets.js has no posts of the account's own to learn from.")
    return "\n\n".join(posts)


def _as_sentence(post: str) -> str:
    # Each post is its own sentence: without an end mark, posts would run into each other.
    return post if post[-1] in ".!?…\"'”’)" else post + "."  # noqa: RUF001 - closing quotes
