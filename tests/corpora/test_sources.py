"""Uploaded text becomes corpus text, or a clear refusal."""

import json

import pytest

from corpora.sources import SourceRejected, decode_text, read_x_archive


def test_utf8_with_and_without_bom_decodes():
    assert decode_text("Café au lait.".encode()) == "Café au lait."
    assert decode_text(b"\xef\xbb\xbf" + "Café.".encode()) == "Café."


def test_utf16_with_bom_decodes():
    assert decode_text("Grüße aus Köln.".encode("utf-16")) == "Grüße aus Köln."


def test_a_clear_latin1_file_is_detected():
    text = "Le garçon était très fâché contre sa sœur, à cause du gâteau. " * 20
    assert decode_text(text.encode("cp1252")).startswith("Le garçon était")


def test_windows_line_ends_and_nfd_are_normalised():
    assert decode_text("Cafe\u0301\r\nNext.".encode()) == "Café\nNext."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n\t ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (bytes(range(1, 32)) * 200, "binary"),
    ],
)
def test_empty_and_binary_files_are_refused(data, message):
    with pytest.raises(SourceRejected, match=message):
        decode_text(data, name="notes.txt")


def test_mixed_encodings_are_refused_with_advice():
    data = "Première ligne en UTF-8. ".encode() * 5 + "Deuxième en latin-1. ".encode("latin-1") * 5
    data += bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 3
    with pytest.raises(SourceRejected, match="UTF-8"):
        decode_text(data)


def archive(*tweets):
    entries = [{"tweet": {"full_text": text, "id_str": str(i)}} for i, text in enumerate(tweets)]
    return ("window.YTD.tweets.part0 = " + json.dumps(entries)).encode()


def test_x_archive_keeps_own_posts_and_strips_links_and_mentions():
    data = archive(
        "@friend I saw the sea today https://t.co/abc",
        "RT @someone: not my words",
        "Fish &amp; chips for dinner",
    )
    text = read_x_archive(data, strip_links=True, strip_mentions=True)
    assert text == "I saw the sea today.\n\nFish & chips for dinner."


def test_x_archive_can_keep_links_and_mentions():
    text = read_x_archive(
        archive("@friend look https://t.co/abc"), strip_links=False, strip_mentions=False
    )
    assert text == "@friend look https://t.co/abc."


@pytest.mark.parametrize(
    "data", [b"not javascript at all {", archive("RT @x: only retweets"), b"window.x = {}"]
)
def test_x_archive_without_own_posts_is_refused(data):
    with pytest.raises(SourceRejected):
        read_x_archive(data, strip_links=True, strip_mentions=True)


def test_utf32_with_bom_decodes():
    assert decode_text("Grüße aus 🌊".encode("utf-32")) == "Grüße aus 🌊"


def test_x_archive_as_a_plain_json_list_keeps_texts_with_equals_signs():
    entries = [{"tweet": {"full_text": "2 + 2 = 4, said the bot", "id_str": "1"}}]
    text = read_x_archive(json.dumps(entries).encode(), strip_links=True, strip_mentions=True)
    assert text == "2 + 2 = 4, said the bot."


def test_x_archive_keeps_equals_signs_after_the_assignment():
    text = read_x_archive(archive("a = b"), strip_links=True, strip_mentions=True)
    assert text == "a = b."


def test_deeply_nested_json_is_refused_not_a_crash():
    data = b"window.YTD.tweets.part0 = " + b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(SourceRejected, match="nested too deeply"):
        read_x_archive(data, strip_links=True, strip_mentions=True)
