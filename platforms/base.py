"""What every network has in common: the posts, pages and accounts a client returns, the rate
limits it reports, the errors that say what to do next, and the Rules of a network."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import islice

from django.conf import settings


class PlatformError(Exception):
    """The network refused; `reason` is a sentence for a person, never a secret."""

    def __init__(self, reason: str, *, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Unauthorized(PlatformError):
    """401: the credentials are wrong or revoked. Do not retry; a person must fix them."""


class Forbidden(PlatformError):
    """403: the account may not do this (suspended, locked, not permitted). Do not retry."""


class ReplyRefused(Forbidden):
    """403 for one reply: the author of the post it answers did not mention (or quote) the
    account, so X allows no reply to it. Do not retry; the account itself is fine."""


class DuplicateContent(PlatformError):
    """403 duplicate content: this text was posted recently. Check the timeline, do not retry."""


class RateLimited(PlatformError):
    """429: wait until `reset_at`, then try again (a usage cap is one too, with its reason)."""

    def __init__(self, reason: str, *, status: int | None = 429, reset_at: datetime):
        super().__init__(reason, status=status)
        self.reset_at = reset_at


class OutOfCredit(PlatformError):
    """402: the account's pay-per-use credit is spent. Wait, flagged, until someone tops up."""


class BadRequest(PlatformError):
    """400, 404, 422...: X will never accept this request as it is. Do not retry."""


class Transient(PlatformError):
    """5xx, timeouts, lost connections: retry later. `ambiguous` means the request may have
    been acted on (a write that got no answer): reconcile before sending it again."""

    def __init__(self, reason: str, *, status: int | None = None, ambiguous: bool = False):
        super().__init__(reason, status=status)
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    author_id: str = ""
    author_username: str = ""
    created_at: datetime | None = None
    conversation_id: str = ""
    in_reply_to_user_id: str = ""
    # The usernames the post itself mentions, as the network reports them (lower case).
    mentions: tuple[str, ...] = ()

    def mentions_username(self, username: str) -> bool:
        """Whether the post itself (not its conversation) mentions `username`."""
        return username.casefold() in {name.casefold() for name in self.mentions}


@dataclass(frozen=True)
class Page:
    """One page of a timeline or of mentions, and the token the network gave for the next
    one ('' when it is the last)."""

    posts: list[Post]
    next_token: str
    # The users the page included (the authors of its posts, when the network expands them).
    user_ids: tuple[str, ...] = ()

    @property
    def more(self) -> bool:
        return bool(self.next_token)


class MentionPages:
    """Mentions as every client reads them: the pages of its own `mention_pages`."""

    def mention_pages(
        self, since_id: str | None = None, *, until_id: str | None = None
    ) -> Iterator[Page]:
        raise NotImplementedError

    def mentions(
        self,
        since_id: str | None = None,
        *,
        until_id: str | None = None,
        max_pages: int | None = None,
    ) -> list[Post]:
        """Posts that mention the bot, newest first, every page back to `since_id` (at most
        `max_pages`); reply to one with post(text, reply_to=mention.id)."""
        pages = islice(self.mention_pages(since_id, until_id=until_id), max_pages)
        return [post for page in pages for post in page.posts]


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    name: str
    # The profile's bio, as the network gives it ('' when it gives none).
    description: str = ""


@dataclass(frozen=True)
class Limits:
    """The 15-minute rate window of the last answer, and, on posting, the user's 24-hour
    posting limit (x-user-limit-24hour-*)."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    daily_limit: int | None = None
    daily_remaining: int | None = None
    daily_reset_at: datetime | None = None


class Call(StrEnum):
    """The calls a network bills for, one price each."""

    POST = "post"
    POST_WITH_URL = "post_with_url"
    SUMMONED_REPLY = "summoned_reply"
    MEDIA_METADATA = "media_metadata"
    POST_READ = "post_read"
    USER_READ = "user_read"
    OWNED_READ = "owned_read"


# The reads: each resource (a post, a user) a read returns is charged once per UTC day to
# the app that reads it, however often it is read again that day (X's pricing page).
READS = frozenset({Call.POST_READ, Call.USER_READ, Call.OWNED_READ})


@dataclass(frozen=True)
class Charge:
    """One billable call as a network charges it: what kind, who pays (`payer`, a stand-in
    for the developer app, never a secret), and the resources it returned or made
    ("post:ID", "user:ID"); a read is charged per resource, a write once."""

    call: Call
    payer: str
    resources: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """What a network allows and what it charges. Limits are values; prices are the names of
    the settings that hold them (in US dollars), read when asked for, so an operator's
    change (or a test's) applies at once."""

    max_length: int
    weighted_length: Callable[[str], int]
    is_valid: Callable[[str], bool]
    has_url: Callable[[str], bool]
    max_images: int
    max_alt_text: int
    max_image_bytes: int
    price_settings: Mapping[Call, str] = field(hash=False)
    # X's rules for automated accounts (DESIGN.md, "Facts"): a reply only to a post that
    # mentions the bot, no identical text across the flock's accounts, the "automated" label
    # and a bio naming the bot and its operator.
    replies_only_when_summoned: bool = False
    no_identical_text_across_accounts: bool = False
    automated_account_checklist: bool = False
    # How long after a post's first attempt the network still answers a repeat of it (same
    # key) with the first post: within it, an ambiguous post is sent again rather than
    # looked for on the timeline. Zero where a repeat could post twice (X).
    idempotency_window: timedelta = timedelta(0)
    # Post ids are numbers that grow with time (X's, Mastodon's), so they order posts; a
    # Bluesky post's id is its AT URI, which does not.
    ids_in_time_order: bool = True
    # Only an @mention in its text notifies the author a reply answers (Mastodon): a reply
    # begins with the author's @address, written into the draft so that the text a person
    # approves, its length and its match on the timeline are the text posted.
    replies_name_author: bool = False

    def reply_address(self, author_username: str) -> str:
        """What a reply to `author_username` begins with on this network: "@author " where
        replies name their author, else nothing."""
        if not (self.replies_name_author and author_username):
            return ""
        return f"@{author_username.lstrip('@')} "

    def price(self, call: Call) -> Decimal:
        """What one `call` costs, in US dollars."""
        return Decimal(str(getattr(settings, self.price_settings[call])))

    def post_call(self, text: str, *, reply: bool = False) -> Call:
        """How posting `text` is charged: as a post with a URL when it holds one (the
        dearest), else as a (summoned) reply when it answers a post, else as a post."""
        if self.has_url(text):
            return Call.POST_WITH_URL
        return Call.SUMMONED_REPLY if reply else Call.POST

    def post_price(self, text: str, *, reply: bool = False) -> Decimal:
        """What posting `text` costs (post_call's price)."""
        return self.price(self.post_call(text, reply=reply))

    def link_price_ratio(self) -> int:
        """How many times a post without a link a post with one costs, rounded (X: 13)."""
        plain = self.price(Call.POST)
        return round(self.price(Call.POST_WITH_URL) / plain) if plain else 0
