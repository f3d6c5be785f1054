"""The one client for the X API v2, for X and the sandbox alike: tweepy's Client for the
endpoints it has, the v2 media upload beside it, and errors that say what to do next.

The base URL comes from the bot's platform (platforms.client_for), and requests-oauthlib
signs the URL actually called, so the same code talks to https://api.x.com and to this
site's /xsandbox.
"""

import hashlib
import logging
import mimetypes
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from http.cookiejar import DefaultCookiePolicy
from itertools import islice

import requests
import tweepy
from django.conf import settings
from requests_oauthlib import OAuth1

from platforms.base import (
    Account,
    Call,
    Charge,
    Limits,
    MentionPages,
    Page,
    Post,
)
from platforms.x.errors import (
    epoch,
    http_error,
    network_error,
    unreadable,
)
from platforms.x.rules import MAX_ALT_TEXT, RULES

log = logging.getLogger(__name__)

POST_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id"]
# The mentions read asks for each post's entities too: whom the post itself mentions.
MENTION_FIELDS = [*POST_FIELDS, "entities"]
# Each thread's requests session (_session).
_threads = threading.local()
# X's largest page, and how many of them a read of the bot's own posts since a time follows.
PAGE_SIZE = 100
RECENT_MAX_PAGES = 10


class _TweepyClient(tweepy.Client):
    """tweepy's v2 Client with the host it calls made per bot, every request signed as the
    bot (OAuth 1.0a user context), timed out, and answered with platforms.base errors."""

    def __init__(self, *, base_url: str, on_response, **credentials):
        super().__init__(**credentials, return_type=dict)
        self.session = _session()
        self.base_url = base_url
        self.on_response = on_response

    def request(self, method, route, params=None, json=None, user_auth=True):
        return self.on_response(
            method,
            self.session.request(
                method,
                self.base_url + route,
                params=params,
                json=json,
                headers={"User-Agent": self.user_agent},
                auth=self.oauth(),
                timeout=timeouts(),
            ),
        )

    def oauth(self) -> OAuth1:
        return OAuth1(
            self.consumer_key,
            client_secret=self.consumer_secret,
            resource_owner_key=self.access_token,
            resource_owner_secret=self.access_token_secret,
        )


class XClient(MentionPages):
    """Speaks for one bot, to the X API at `base_url` (X's or the sandbox's; platforms.client_for
    picks it). Every method raises a platforms.base error on failure.

    Each billable call X answered is reported to `on_call` as a Charge, as X bills it: a post
    by its kind, alt text, and every post and user a read returned; the bot's own user and
    posts are owned reads when `owns_app` (the bot's account owns the developer app)."""

    def __init__(
        self,
        bot,
        *,
        base_url: str,
        on_call: Callable[[Charge], None] | None = None,
        owns_app: bool = False,
    ):
        credentials = bot.credentials()
        self.bot = bot
        self.base_url = base_url.rstrip("/")
        self.last_limits = Limits(None, None, None)
        self.on_call = on_call
        self.owns_app = owns_app
        self.payer = payer_of(credentials.consumer_key)
        self._tweepy = _TweepyClient(
            base_url=self.base_url,
            on_response=self._check,
            consumer_key=credentials.consumer_key,
            consumer_secret=credentials.consumer_secret,
            access_token=credentials.access_token,
            access_token_secret=credentials.access_token_secret,
        )

    def __repr__(self):
        return f"<XClient for {self.bot.name} at {self.base_url}>"

    def me(self) -> Account:
        """Who the credentials speak for (one call to GET /2/users/me)."""
        account = self._call(
            "GET",
            lambda: self._tweepy.get_me(user_fields=["description"], user_auth=True),
            lambda answer: Account(
                id=str(answer["data"]["id"]),
                username=answer["data"]["username"],
                name=answer["data"].get("name", ""),
                description=str(answer["data"].get("description") or ""),
            ),
        )
        self._read(users=[account.id], own_id=account.id)
        return account

    def post(self, text: str, media_ids=(), reply_to: str | None = None, key: str = "") -> str:
        """Create a post (POST /2/tweets); returns its id. X takes no idempotency key, so
        `key` goes unused: an ambiguous post is reconciled from the timeline instead."""
        post_id = self._call(
            "POST",
            lambda: self._tweepy.create_tweet(
                text=text,
                media_ids=list(media_ids) or None,
                in_reply_to_tweet_id=reply_to or None,
                user_auth=True,
            ),
            lambda answer: str(answer["data"]["id"]),
        )
        self._charge(RULES.post_call(text, reply=bool(reply_to)), [f"post:{post_id}"])
        return post_id

    def delete(self, post_id: str) -> None:
        self._call(
            "DELETE", lambda: self._tweepy.delete_tweet(post_id, user_auth=True), lambda a: a
        )

    def upload_image(self, path, alt_text: str = "") -> str:
        """Upload an image with the v2 one-shot media upload, then set its alt text; returns
        the media id to attach to a post."""
        mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        with open(path, "rb") as image:
            media_id = self._send(
                "POST",
                "/2/media/upload",
                lambda answer: str(answer["data"]["id"]),
                files={"media": ("image", image, mime)},
                data={"media_category": "tweet_image"},
            )
        if alt_text:
            self._send(
                "POST",
                "/2/media/metadata",
                lambda answer: answer,
                json={"id": media_id, "metadata": {"alt_text": {"text": alt_text[:MAX_ALT_TEXT]}}},
            )
            self._charge(Call.MEDIA_METADATA, [f"media:{media_id}"])
        return media_id

    def mention_pages(
        self, since_id: str | None = None, *, until_id: str | None = None
    ) -> Iterator[Page]:
        """Pages of up to 100 posts that mention the bot, newest first, between `since_id`
        and `until_id` (both excluded, when given), following X's next_token until none is
        left: one call per page, made as the next page is asked for."""
        user_id = self._user_id()
        return self._pages(
            user_id,
            lambda token: self._tweepy.get_users_mentions(
                user_id,
                since_id=since_id or None,
                until_id=until_id or None,
                pagination_token=token,
                max_results=PAGE_SIZE,
                tweet_fields=MENTION_FIELDS,
                expansions=["author_id"],
                user_fields=["username"],
                user_auth=True,
            ),
        )

    def recent_posts(
        self, *, since: datetime | None = None, max_pages: int = RECENT_MAX_PAGES
    ) -> list[Post]:
        """The bot's own posts, newest first: the latest page of 100, or with `since` every
        post from that time on (at most `max_pages` pages)."""
        user_id = self._user_id()
        pages = self._pages(
            user_id,
            lambda token: self._tweepy.get_users_tweets(
                user_id,
                start_time=since,
                pagination_token=token,
                max_results=PAGE_SIZE,
                tweet_fields=POST_FIELDS,
                user_auth=True,
            ),
        )
        return [post for page in islice(pages, max_pages if since else 1) for post in page.posts]

    def _pages(self, user_id: str, read_page) -> Iterator[Page]:
        """Each page `read_page(pagination_token)` answers, until X gives no next_token;
        `user_id` is the bot's own, whose posts and user are owned reads."""
        token = None
        while True:
            page = self._call("GET", partial(read_page, token), _page)
            self._read(
                posts=[(post.id, post.author_id) for post in page.posts],
                users=page.user_ids,
                own_id=user_id,
            )
            yield page
            if not page.more:
                return
            token = page.next_token

    def _user_id(self) -> str:
        return self.bot.x_user_id or self.me().id

    def _read(self, *, posts=(), users=(), own_id: str = "") -> None:
        """Report the posts (id, author id) and users a read returned: the bot's own are
        owned reads when its account owns the app, the others post and user reads."""
        owned = own_id if self.owns_app and own_id else None
        charges = {Call.POST_READ: [], Call.USER_READ: [], Call.OWNED_READ: []}
        for post_id, author_id in posts:
            call = Call.OWNED_READ if owned and author_id == owned else Call.POST_READ
            charges[call].append(f"post:{post_id}")
        for user_id in users:
            call = Call.OWNED_READ if owned and user_id == owned else Call.USER_READ
            charges[call].append(f"user:{user_id}")
        for call, resources in charges.items():
            self._charge(call, resources)

    def _charge(self, call: Call, resources: list[str]) -> None:
        if self.on_call is not None and resources:
            self.on_call(Charge(call=call, payer=self.payer, resources=tuple(resources)))

    def _call(self, method: str, call, read):
        """Make the call, then read what is needed from its answer; an answer that cannot be
        read is as uncertain as no answer at all."""
        try:
            answer = call()
        except requests.JSONDecodeError:
            raise unreadable(method) from None
        except requests.RequestException as error:
            raise network_error(method, error) from None
        try:
            return read(answer)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise unreadable(method) from None

    def _send(self, method: str, route: str, read, **kwargs):
        """A call tweepy has no method for, signed and checked the same way."""

        def call():
            response = self._tweepy.session.request(
                method,
                self.base_url + route,
                auth=self._tweepy.oauth(),
                timeout=timeouts(),
                headers={"User-Agent": self._tweepy.user_agent},
                **kwargs,
            )
            return self._check(method, response).json()

        return self._call(method, call, read)

    def _check(self, method: str, response: requests.Response) -> requests.Response:
        """Record the rate-limit headers; raise the error the answer stands for."""
        with response:
            self.last_limits = _limits(response.headers)
            # The path only: the query holds no secret, and the headers are never logged.
            log.log(
                logging.DEBUG if response.ok else logging.INFO,
                "%s %s for %s: %s",
                method,
                response.request.path_url if response.request else "",
                self.bot.name,
                response.status_code,
            )
            if 200 <= response.status_code < 300:
                response.content  # noqa: B018 - read the body before the connection closes
                return response
            raise http_error(method, response)


def _session() -> requests.Session:
    """This thread's requests session for X, kept across posts and bots: its pooled
    connections spare a post a new connection and, to X, a TLS handshake. It keeps no
    cookies, so nothing an answer to one bot sets goes out with another bot's requests."""
    session = getattr(_threads, "session", None)
    if session is None:
        session = _threads.session = requests.Session()
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


def payer_of(consumer_key: str) -> str:
    """Who X bills for a call: the developer app whose consumer key signed it, named by a
    digest of the key (the sandbox names it the same way), so no key is ever stored."""
    return hashlib.sha256(consumer_key.encode()).hexdigest()[:32]


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds after which every request to X gives up."""
    return (settings.X_API_CONNECT_TIMEOUT, settings.X_API_READ_TIMEOUT)


def _page(answer: dict) -> Page:
    users = answer.get("includes", {}).get("users", [])
    return Page(
        posts=_posts(answer),
        next_token=answer.get("meta", {}).get("next_token") or "",
        user_ids=tuple(str(user["id"]) for user in users),
    )


def _posts(answer: dict) -> list[Post]:
    users = answer.get("includes", {}).get("users", [])
    usernames = {user["id"]: user["username"] for user in users}
    return [_post(item, usernames) for item in answer.get("data", [])]


def _post(item: dict, usernames: dict) -> Post:
    created = item.get("created_at")
    return Post(
        id=str(item["id"]),
        text=item.get("text", ""),
        author_id=str(item.get("author_id", "")),
        author_username=usernames.get(item.get("author_id"), ""),
        created_at=datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None,
        conversation_id=str(item.get("conversation_id", "")),
        in_reply_to_user_id=str(item.get("in_reply_to_user_id", "")),
        mentions=_mentioned(item),
    )


def _mentioned(item: dict) -> tuple[str, ...]:
    """The usernames of the post's `entities.mentions`, lower case."""
    entities = item.get("entities")
    mentions = entities.get("mentions") if isinstance(entities, dict) else None
    if not isinstance(mentions, list):
        return ()
    names = (m.get("username") for m in mentions if isinstance(m, dict))
    return tuple(str(name).lower() for name in names if name)


def _limits(headers) -> Limits:
    def number(name):
        value = headers.get(name)
        return int(value) if value and value.isdigit() else None

    return Limits(
        limit=number("x-rate-limit-limit"),
        remaining=number("x-rate-limit-remaining"),
        reset_at=epoch(headers.get("x-rate-limit-reset")),
        daily_limit=number("x-user-limit-24hour-limit"),
        daily_remaining=number("x-user-limit-24hour-remaining"),
        daily_reset_at=epoch(headers.get("x-user-limit-24hour-reset")),
    )
