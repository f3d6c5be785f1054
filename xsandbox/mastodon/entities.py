"""Mastodon's JSON entities (Account, Status, MediaAttachment, Notification) for the
sandbox's rows, and statuses' text as Mastodon renders it (HTML with linked mentions)."""

import re
from datetime import UTC
from html import escape

from django.urls import reverse
from django.utils import timezone

from xsandbox.models import MastodonAccount, MastodonMedia, MastodonStatus

# Mastodon's: a username (a remote one may hold dots, as Bridgy Fed's Bluesky handles do),
# then the account's domain if it is not this instance's.
MENTION_RE = re.compile(r"(?<![\w@/=])@(\w+(?:[.-]+\w+)*)(?:@([\w-]+(?:\.[\w-]+)*))?")
URL_RE = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,:;!?)\]']", re.IGNORECASE)


def iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def account(request, row: MastodonAccount, *, credentials: bool = False) -> dict:
    body = {
        "id": row.account_id,
        "username": row.username,
        "acct": row.acct,
        "display_name": row.display_name,
        "locked": False,
        "bot": row.bot,
        "discoverable": True,
        "group": False,
        "created_at": iso(row.created_at),
        "note": "",
        "url": request.build_absolute_uri(row.get_absolute_url()),
        "avatar": "",
        "avatar_static": "",
        "header": "",
        "header_static": "",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": row.statuses.count(),
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }
    if credentials:
        body["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "",
            "note": "",
            "fields": [],
        }
    return body


def media(request, row: MastodonMedia) -> dict:
    ready = row.ready_at <= timezone.now()
    url = request.build_absolute_uri(reverse("xsandbox:mastodon:media", args=[row.pk]))
    return {
        "id": row.media_id,
        "type": "image",
        "url": url if ready else None,
        "preview_url": url if ready else None,
        "remote_url": None,
        "text_url": None,
        "meta": {
            "original": {
                "width": row.width,
                "height": row.height,
                "size": f"{row.width}x{row.height}",
                "aspect": row.width / row.height if row.height else 1,
            }
        },
        "description": row.description or None,
        "blurhash": None,
    }


def status(request, row: MastodonStatus) -> dict:
    mentioned = list(row.mentioned.all())
    return {
        "id": row.status_id,
        "created_at": iso(row.created_at),
        "in_reply_to_id": row.in_reply_to.status_id if row.in_reply_to_id else None,
        "in_reply_to_account_id": row.in_reply_to.account.account_id
        if row.in_reply_to_id
        else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": request.build_absolute_uri(row.get_absolute_url()),
        "url": request.build_absolute_uri(row.get_absolute_url()),
        "replies_count": row.replies.count(),
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": None,
        "content": content_html(request, row.text),
        "reblog": None,
        "application": {"name": "Aviary", "website": None},
        "account": account(request, row.account),
        "media_attachments": [media(request, item) for item in row.media.all()],
        "mentions": [
            {
                "id": other.account_id,
                "username": other.username,
                "acct": other.acct,
                "url": request.build_absolute_uri(other.get_absolute_url()),
            }
            for other in mentioned
        ],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def notification(request, row) -> dict:
    return {
        "id": row.notification_id,
        "type": row.type,
        "created_at": iso(row.created_at),
        "account": account(request, row.status.account),
        "status": status(request, row.status),
    }


def content_html(request, text: str) -> str:
    """The text as Mastodon renders it: paragraphs, line breaks, links and linked mentions."""
    paragraphs = [part for part in re.split(r"\n{2,}", text.strip()) if part]
    return "".join(f"<p>{_inline(request, part)}</p>" for part in paragraphs)


def _inline(request, text: str) -> str:
    out, at = [], 0
    tokens = sorted(
        [(m.start(), m.end(), "url", m) for m in URL_RE.finditer(text)]
        + [(m.start(), m.end(), "mention", m) for m in MENTION_RE.finditer(text)],
        key=lambda token: token[0],
    )
    for start, end, kind, match in tokens:
        if start < at:
            continue
        out.append(escape(text[at:start]).replace("\n", "<br />"))
        if kind == "url":
            href = escape(match.group(0))
            out.append(f'<a href="{href}" rel="nofollow noopener" target="_blank">{href}</a>')
        else:
            address = f"{match.group(1)}@{match.group(2)}" if match.group(2) else match.group(1)
            href = escape(
                request.build_absolute_uri(reverse("xsandbox:mastodon:account", args=[address]))
            )
            # As Mastodon shows a mention: the username alone, its domain in the link.
            name = escape(match.group(1))
            out.append(
                f'<span class="h-card"><a href="{href}" class="u-url mention">'
                f"@<span>{name}</span></a></span>"
            )
        at = end
    out.append(escape(text[at:]).replace("\n", "<br />"))
    return "".join(out)
