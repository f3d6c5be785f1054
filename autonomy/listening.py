"""Bots that answer their mentions: a mention with one of the bot's keywords gets a reply
seeded with that keyword, within limits that make an endless exchange between two bots
impossible (never itself, a few replies per conversation, a cooldown per account, an hourly
ceiling), and within X's rules (a reply only to a post that itself mentions the bot, one
per post, never to an account that said "stop"). Every mention is decided once and the
decision is kept, with its reason."""

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Value
from django.db.models.functions import LPad
from django.utils import timezone

from activity.services import record_activity
from autonomy.models import Mention
from bots import do_not_reply
from bots.listener import ago
from bots.models import Bot, Listener
from platforms import base, client_for, rules_for
from platforms.x.handles import mentioned_handles
from platforms.x.text import remove_urls
from tweets.generation import CannotGenerate, generate_texts
from tweets.models import Tweet
from tweets.services import InvalidText, approve_tweet

# Words as a reader sees them: @handles and links are not words of the text.
_HANDLE = re.compile(r"@\w+")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class History:
    """What the bot already did that the limits count."""

    replies_in_conversation: int
    last_reply_to_author: datetime | None
    replies_in_last_hour: int


@dataclass(frozen=True)
class Standing:
    """What X's rules say of the mention before any limit: whether it summons the bot (the
    post itself mentions it, where the network asks that), the stop word it says, and
    whether its author is on the flock's do-not-reply list already."""

    summoned: bool = True
    stop_word: str = ""
    listed: bool = False


@dataclass(frozen=True)
class Decision:
    keyword: str
    skip_reason: str = ""
    # The author said this stop word: they go on the flock's do-not-reply list.
    stop_word: str = ""

    @property
    def replies(self) -> bool:
        return not self.skip_reason


def matched_keyword(text: str, keywords: list[str]) -> str:
    """The first keyword (in the bot's order) that is a word of the text, ignoring case,
    punctuation, @handles and links; '' when none is."""
    words = {word.casefold() for word in _WORD.findall(_HANDLE.sub(" ", remove_urls(text, " ")))}
    return next((keyword for keyword in keywords if keyword.casefold() in words), "")


def decide(
    mention: base.Post,
    *,
    bot_user_id: str,
    listener: Listener,
    history: History,
    now: datetime,
    standing: Standing = Standing(),
) -> Decision:
    """Reply or skip, and why: a pure function of the mention, X's rules as they stand for
    it, the limits and the counts. Only a summoned mention is looked at for keywords."""
    keyword = matched_keyword(mention.text, listener.keywords)
    author = f"@{mention.author_username}" if mention.author_username else "its author"
    if mention.author_id == bot_user_id:
        return Decision(keyword, "it is the bot's own post")
    if standing.stop_word:
        return Decision(
            keyword,
            f"it says “{standing.stop_word}”: {author} is on the flock's do-not-reply list now",
            stop_word=standing.stop_word,
        )
    if standing.listed:
        return Decision(keyword, f"{author} is on the flock's do-not-reply list")
    if not standing.summoned:
        return Decision(
            "",
            "the post itself does not mention the bot (X allows a reply only to a post "
            "whose author mentioned the bot in it)",
        )
    if not keyword:
        return Decision("", "no keyword in it")
    if history.replies_in_conversation >= listener.max_replies_per_conversation:
        return Decision(
            keyword,
            f"already replied {history.replies_in_conversation} times in this conversation "
            f"(limit {listener.max_replies_per_conversation})",
        )
    if (
        history.last_reply_to_author is not None
        and now - history.last_reply_to_author < listener.cooldown
    ):
        return Decision(
            keyword,
            f"replied to this account {ago(now - history.last_reply_to_author)} ago "
            f"(cooldown {ago(listener.cooldown)})",
        )
    if history.replies_in_last_hour >= listener.max_replies_per_hour:
        return Decision(
            keyword, f"{history.replies_in_last_hour} replies in the last hour already (limit)"
        )
    return Decision(keyword)


def summons(bot: Bot, mention: base.Post) -> bool:
    """Whether the post itself mentions the bot: in the mentions the network reports for
    it, or else an @handle in its text. Being in a conversation with the bot is not enough."""
    return mention.mentions_username(bot.handle) or bot.handle.lower() in mentioned_handles(
        mention.text
    )


def standing_of(bot: Bot, listener: Listener, mention: base.Post) -> Standing:
    """X's rules for the mention: summoned (where the network asks it), its stop word, and
    whether its author is on the do-not-reply list (one query)."""
    return Standing(
        summoned=not rules_for(bot).replies_only_when_summoned or summons(bot, mention),
        stop_word=do_not_reply.stop_word_in(mention.text, listener.stop_words),
        listed=do_not_reply.is_listed(
            bot.network, account_id=mention.author_id, handle=mention.author_username
        ),
    )


def history_for(bot: Bot, mention: base.Post, now: datetime) -> History:
    replied = Mention.objects.filter(bot=bot, decision=Mention.Decision.REPLIED)
    return History(
        replies_in_conversation=replied.filter(
            conversation_id=mention.conversation_id or mention.id
        ).count(),
        last_reply_to_author=replied.filter(author_id=mention.author_id).aggregate(
            last=Max("received_at")
        )["last"],
        replies_in_last_hour=replied.filter(received_at__gte=now - timedelta(hours=1)).count(),
    )


def listening_bots(now: datetime) -> list[int]:
    """Bots whose mentions are due a read: listening, allowed to post (Bot.can_post), not
    rate limited."""
    return list(
        Listener.objects.filter(enabled=True, bot__in=Bot.objects.may_post())
        .exclude(keywords=[])
        .exclude(paused_until__gt=now)
        .values_list("bot_id", flat=True)
    )


def check_mentions(
    bot: Bot, *, now: datetime | None = None, rng: random.Random | None = None
) -> list[Mention]:
    """Read the bot's unread mentions and decide each, oldest first (one call to X per page
    of 100, at most settings.LISTEN_MAX_PAGES pages; rows written: Mention, Tweet replies,
    Activity, Listener; tasks queued: post_tweet for replies on autopilot).

    X pages mentions newest first. The unread ones are those after `since_id` and older than
    any decided above it: a read that stops before reaching `since_id` (the page limit, a
    429) decides what it read, and the next read goes on below those. So `since_id` moves
    only past decided mentions, none is decided twice, and a rate limit waits until X's reset
    time with nothing lost."""
    now = now or timezone.now()
    listener = Listener.objects.get(bot=bot)
    listener.bot = bot
    client = client_for(bot)
    try:
        bot_user_id = bot.x_user_id or client.me().id
    except base.PlatformError as error:
        _note_failure(listener, error, now=now)
        return []
    since_id = listener.since_id or None
    below = _decided_after(bot, since_id).first()
    read, reached_since_id, failure = [], False, None
    try:
        pages = client.mention_pages(since_id, until_id=below)
        for number, page in enumerate(pages, start=1):
            read.extend(page.posts)
            reached_since_id = not page.more
            if number >= settings.LISTEN_MAX_PAGES:
                break
    except base.PlatformError as error:
        failure = error
    decided = []
    # Pages come newest first: oldest first is by id where ids grow with time, else the
    # network's own order reversed.
    in_time_order = rules_for(bot).ids_in_time_order
    oldest_first = sorted(read, key=lambda post: int(post.id)) if in_time_order else read[::-1]
    for mention in oldest_first:
        with transaction.atomic():
            # One reader per bot at a time, so the counts the limits read are current.
            listener = Listener.objects.select_for_update().get(pk=listener.pk)
            listener.bot = bot
            if Mention.objects.filter(bot=bot, post_id=mention.id).exists():
                continue
            decision = decide(
                mention,
                bot_user_id=bot_user_id,
                listener=listener,
                history=history_for(bot, mention, now),
                now=now,
                standing=standing_of(bot, listener, mention),
            )
            decided.append(_record(bot, listener, mention, decision, now=now, rng=rng))
            if reached_since_id:
                listener.since_id = mention.id
                listener.save(update_fields=["since_id"])
    if reached_since_id and below:
        # The gap is closed: everything up to the newest decided mention has been decided.
        newest = _decided_after(bot, None).reverse().first()
        Listener.objects.filter(pk=listener.pk).update(since_id=newest)
    if failure:
        _note_failure(listener, failure, now=now)
    else:
        Listener.objects.filter(pk=listener.pk).update(
            checked_at=now, last_error="", paused_until=None
        )
    return decided


def _decided_after(bot: Bot, since_id: str | None):
    """The post ids of the bot's decided mentions after `since_id`, oldest first. Ids that
    grow with time are numbers in text, so they are compared zero-padded to one width;
    others (Bluesky's AT URIs) are taken in the order they were decided."""
    if not rules_for(bot).ids_in_time_order:
        mentions = Mention.objects.filter(bot=bot)
        if since_id and (after := mentions.filter(post_id=since_id).first()):
            mentions = mentions.filter(pk__gt=after.pk)
        return mentions.order_by("pk").values_list("post_id", flat=True)
    width = Mention._meta.get_field("post_id").max_length
    mentions = Mention.objects.filter(bot=bot).annotate(padded=LPad("post_id", width, Value("0")))
    if since_id:
        mentions = mentions.filter(padded__gt=since_id.rjust(width, "0"))
    return mentions.order_by("padded").values_list("post_id", flat=True)


def _note_failure(listener: Listener, error: base.PlatformError, *, now: datetime) -> None:
    """A 429 pauses reading until X's reset time; any other error is kept to show."""
    if isinstance(error, base.RateLimited):
        Listener.objects.filter(pk=listener.pk).update(
            paused_until=error.reset_at or now + timedelta(minutes=15), last_error=error.reason
        )
    else:
        Listener.objects.filter(pk=listener.pk).update(checked_at=now, last_error=error.reason)


def _record(bot, listener, mention, decision, *, now, rng) -> Mention:
    reply = None
    reason = decision.skip_reason
    if decision.stop_word:
        do_not_reply.add_to_do_not_reply(
            bot.network,
            handle=mention.author_username or mention.author_id,
            account_id=mention.author_id,
            # Not which bot heard it: the list is shown on every owner's bot pages.
            reason=f"said “{decision.stop_word}”",
            heard_by=bot,
        )
    if decision.replies:
        try:
            reply = _write_reply(bot, listener, mention, decision.keyword, rng=rng)
        except CannotGenerate as error:
            reason = f"no reply could be written: {error}"
    try:
        with transaction.atomic():
            row = Mention.objects.create(
                bot=bot,
                post_id=mention.id,
                author_id=mention.author_id,
                author_username=mention.author_username,
                conversation_id=mention.conversation_id or mention.id,
                text=mention.text,
                keyword=decision.keyword,
                decision=Mention.Decision.REPLIED if reply else Mention.Decision.SKIPPED,
                reason=reason,
                reply=reply,
                received_at=now,
            )
    except IntegrityError:
        # Another reader decided it first; its decision stands, this reply goes.
        if reply is not None:
            reply.delete()
        return Mention.objects.get(bot=bot, post_id=mention.id)
    author = f"@{mention.author_username}" if mention.author_username else "an account"
    if reply is None:
        record_activity(
            "mention.skipped",
            message=f"Skipped a mention from {author}: {reason}.",
            actor="listener",
            bot=bot,
            post_id=mention.id,
        )
    else:
        how = "posting it" if listener.replies_on_autopilot() else "for review"
        record_activity(
            "mention.replied",
            message=f"Wrote a reply to {author} about “{decision.keyword}”, {how}.",
            actor="listener",
            tweet=reply,
            post_id=mention.id,
        )
    return row


def _write_reply(bot, listener, mention, keyword, *, rng) -> Tweet:
    address = rules_for(bot).reply_address(mention.author_username)
    texts = generate_texts(bot, count=1, seed=keyword, rng=rng, address=address).texts
    if not texts:
        raise CannotGenerate(f"the corpus gave no sentence with “{keyword}” that fits")
    reply = Tweet.objects.create(
        bot=bot, text=texts[0], seed_word=keyword, in_reply_to_post_id=mention.id
    )
    if listener.replies_on_autopilot():
        try:
            approve_tweet(reply, by=None, actor="listener")
        except InvalidText as error:
            # X's rules across the flock refuse it (tweets.flock): it waits for a person.
            Tweet.objects.filter(pk=reply.pk).update(last_error=str(error))
    return reply
