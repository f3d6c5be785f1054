"""Finding a tweet on its bot's timeline by identity: a post's text compared as X stores it
(NFC, HTML escapes, t.co links; nothing folded that X keeps), and no post that another tweet
of the bot already holds."""

import re
import unicodedata
from datetime import timedelta

from platforms import client_for
from platforms.x.text import remove_urls
from tweets.models import Tweet

# A link as X rewrites it in a post's text (t.co, https since 2011).
TCO_LINK = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
# Never in a post: twitter-text refuses U+FFFF (platforms.x.text.is_valid), so it can
# stand for a link while two texts are compared.
LINK = "\uffff"
# X's API answers a post's text with these three escaped as HTML entities.
X_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def as_x_stores(text: str) -> str:
    """`text` as X keeps it: NFC (as twitter-text counts it) without surrounding
    whitespace; case, inner spaces and line breaks are kept as written."""
    return unicodedata.normalize("NFC", text).strip()


def same_text_on_x(ours: str, theirs: str) -> bool:
    """True when `theirs`, a post's text as X answers it, is `ours` as X would store it: the
    same text, or with &, < and > escaped, and with each link either as written or as the
    t.co link X rewrote it to. Nothing else is folded: a post in another case, with other
    spacing or another link is another post."""
    theirs = unicodedata.normalize("NFC", theirs)
    ours = as_x_stores(ours)
    for written in {ours, ours.translate(X_ESCAPES)}:
        if theirs == written:
            return True
        # Every link X saw in the post is a t.co link, and the text around them is ours.
        if TCO_LINK.sub(LINK, theirs) == remove_urls(theirs, LINK) == remove_urls(written, LINK):
            return LINK in remove_urls(written, LINK)
    return False


def find_on_timeline(tweet: Tweet) -> str | None:
    """The id of the bot's post of this tweet: a post made since the first attempt with the
    tweet's text as X stores it, and no other tweet of the bot holding it."""
    first = tweet.attempts.order_by("number").first()
    since = (first.started_at if first else tweet.created_at) - timedelta(minutes=5)
    posts = [
        post
        for post in client_for(tweet.bot).recent_posts(since=since)
        if (post.created_at is None or post.created_at >= since)
        and same_text_on_x(tweet.text, post.text)
    ]
    held = set(
        tweet.bot.tweets.filter(x_post_id__in=[post.id for post in posts])
        .exclude(pk=tweet.pk)
        .values_list("x_post_id", flat=True)
    )
    # Oldest first: the tweet's first attempt that went out is its post.
    return next((post.id for post in reversed(posts) if post.id not in held), None)
