"""X's rules across the flock, checked as a tweet is queued (approved, posted now, retried)
and, for the do-not-reply list, again as it is sent: no text identical to another bot's on
the same network, and no @-mention of an account that asked the flock to stop."""

from bots import do_not_reply
from tweets.models import Tweet
from tweets.novelty import flock_repeats


def queue_refusal(tweet: Tweet, *, text: str | None = None) -> str:
    """Why the tweet may not be queued (with `text` instead of its own, when given), as a
    sentence naming the other bot or the account, or '' (tweets.services raises it as
    InvalidText)."""
    text = tweet.text if text is None else text
    if refusal := do_not_reply.refusal_for_text(tweet.bot, text):
        return refusal
    repeats = flock_repeats(text, bots=[tweet.bot], exclude=[tweet.pk])
    return repeats[0].reason() if repeats else ""


def sending_refusal(tweet: Tweet) -> str:
    """Why the tweet may not be sent now, or '': an account it @-mentions went on the
    do-not-reply list after it was queued (no query when it mentions no one)."""
    return do_not_reply.refusal_for_text(tweet.bot, tweet.text)
