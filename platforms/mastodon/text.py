"""A status's text from its HTML content, as a reader sees it (Mastodon sends HTML)."""

from html.parser import HTMLParser


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(content: str) -> str:
    """The text of a status's `content` HTML: paragraphs and line breaks kept, tags gone."""
    parser = _Text()
    parser.feed(content or "")
    parser.close()
    return "".join(parser.parts).strip()
