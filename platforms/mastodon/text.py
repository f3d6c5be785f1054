"""A status's text: from its HTML content, as a reader sees it (Mastodon sends HTML), and a
reply's, addressed to the author it answers."""

import re
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


def addressed(text: str, acct: str) -> str:
    """The reply's text as Mastodon's clients write it: the author's @address first, unless
    the text already mentions them (on Mastodon only a mention in the text notifies)."""
    mention = re.compile(rf"(?<![\w@/])@{re.escape(acct)}(?![\w@-]|\.\w)", re.IGNORECASE)
    if not acct or mention.search(text):
        return text
    return f"@{acct} {text}"
