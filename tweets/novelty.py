"""Novelty: a new draft must not repeat, or nearly repeat, what the bot already posted or has
waiting, because X refuses duplicate content and followers notice repeats; on a network
that allows no identical content across accounts (X), nor what any bot of the site on that
network posted lately or has queued (`flock_repeats` says which bot, for the composer and
for approval).

Texts are compared as sets of word pairs (links, case and spacing folded: similarity, not
the identity reconciling needs), by Jaccard similarity. Each tweet's pairs are stored hashed
(TweetShingle, with the text's pair count), so a check reads only the rows holding the draft's
own pairs, among texts of a length that could be alike: its cost is set by the draft, not by
how many posts or drafts the bot has. A batch's own drafts are compared in memory.
"""

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations, pairwise

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from bots.models import Bot
from platforms import rules_for
from platforms.x.text import remove_urls
from tweets.models import Tweet, TweetShingle

# Tweets lazily indexed per bulk insert.
INDEX_BATCH = 2000

# On their way to X, or maybe there already: a new draft must not repeat them either.
WAITING = [Tweet.State.APPROVED, Tweet.State.POSTING, Tweet.State.UNKNOWN]


def normalised(text: str) -> str:
    """Text as novelty compares it: every link one token, case and spacing folded."""
    text = remove_urls(text, "<url>")
    return " ".join(text.split()).casefold()


def shingles(text: str) -> frozenset[str]:
    """The text's consecutive word pairs (its single word when it has one)."""
    words = [word.strip(".,;:!?\"'()") for word in normalised(text).split()]
    words = [word for word in words if word]
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in pairwise(words))


class NoveltyIndex:
    """The texts a new draft is compared with; `admit` accepts or refuses one and, when it
    accepts, remembers it so a batch cannot repeat itself either."""

    def __init__(self, texts, *, threshold: float):
        self.threshold = threshold
        self._sets: list[frozenset[str]] = []
        self._by_shingle: dict[str, list[int]] = {}
        for text in texts:
            self._add(shingles(text))

    def similarity(self, text: str) -> float:
        """The highest Jaccard similarity of the text to any remembered text."""
        mine = shingles(text)
        if not mine:
            return 0.0
        shared = Counter(i for s in mine for i in self._by_shingle.get(s, ()))
        return max((count / len(mine | self._sets[i]) for i, count in shared.items()), default=0.0)

    def admit(self, text: str) -> bool:
        if self.similarity(text) >= self.threshold:
            return False
        self._add(shingles(text))
        return True

    def _add(self, found: frozenset[str]) -> None:
        index = len(self._sets)
        self._sets.append(found)
        for shingle in found:
            self._by_shingle.setdefault(shingle, []).append(index)


def shingle_hashes(text: str) -> frozenset[int]:
    """The text's word pairs as stored: 64-bit hashes, stable across processes (Python's own
    hash() is salted per process)."""
    return frozenset(
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big", signed=True)
        for s in shingles(text)
    )


def index_tweets(tweets) -> None:
    """Store the word pairs of `tweets` (rows written: TweetShingle, and each tweet's
    shingle_count), so novelty finds them. Call it in the transaction that writes them."""
    rows, counts = [], {}
    for tweet in tweets:
        hashes = shingle_hashes(tweet.text)
        counts[tweet.pk] = tweet.shingle_count = len(hashes)
        rows += [
            TweetShingle(
                bot_id=tweet.bot_id, tweet_id=tweet.pk, shingle_hash=h, shingle_count=len(hashes)
            )
            for h in hashes
        ]
    TweetShingle.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    for count in set(counts.values()):
        pks = [pk for pk, n in counts.items() if n == count]
        Tweet.objects.filter(pk__in=pks).update(shingle_count=count)


def forget_text(tweets) -> None:
    """Drop the stored word pairs of the rows of queryset `tweets`, whose text is changing:
    the next check indexes the new text (rows deleted: TweetShingle)."""
    TweetShingle.objects.filter(tweet__in=tweets).delete()


def index_missing(bot) -> None:
    """Index the bot's tweets whose pairs are not stored yet: those written in bulk, by the
    admin, or before this table existed, and texts edited since (a partial index finds them,
    so a bot with everything indexed pays one empty lookup)."""
    index_missing_among(Bot.objects.filter(pk=bot.pk).values("pk"))


def index_missing_among(bots) -> None:
    """index_missing for every bot of the queryset `bots` (of pks), in one lookup when all
    are indexed."""
    while True:
        batch = list(
            Tweet.objects.filter(bot__in=bots, shingle_count__isnull=True)
            .only("bot", "text")
            .order_by()[:INDEX_BATCH]
        )
        if not batch:
            return
        index_tweets(batch)


def flock_of(bot):
    """The bots (a queryset of pks) whose texts a new text of `bot` must not repeat: every
    bot of the site on the bot's network where it allows no identical content across
    accounts (X, its sandbox included), else the bot alone."""
    if rules_for(bot).no_identical_text_across_accounts:
        return Bot.objects.on_network(bot.network).values("pk")
    return Bot.objects.filter(pk=bot.pk).values("pk")


@dataclass(frozen=True)
class Match:
    """A stored tweet a text is alike to, and how alike (Jaccard, 0 to 1)."""

    tweet_id: int
    bot_id: int
    similarity: float


def stored_matches(
    bot, hashes: frozenset[int], *, threshold: float, flock=None, exclude=()
) -> list[Match]:
    """The stored tweets a text with pairs `hashes` is at least `threshold` alike to, most
    alike first: the bot's posts of the last NOVELTY_LOOKBACK_DAYS, its waiting tweets and
    drafts, and the same posts and waiting tweets (not drafts) of the other bots of `flock`
    (a queryset of bot pks; none by default), leaving out the tweets `exclude`.

    Texts that cannot reach `threshold` are not read (a Jaccard of t needs pair counts within
    a factor t of each other, and a t share of the text's pairs in common): two queries
    however long the histories."""
    if not hashes:
        return []
    mine = len(hashes)
    common = math.ceil(threshold * mine - 1e-9)
    bots = Q(bot=bot) if flock is None else Q(bot__in=flock)
    # Two queries, not a join: the planner cannot tell that texts sharing common pairs are
    # mostly of another length, and would scan the bot's tweets for a join that finds none.
    overlaps = list(
        TweetShingle.objects.filter(
            bots,
            shingle_hash__in=hashes,
            shingle_count__gte=common,
            shingle_count__lte=math.floor(mine / threshold + 1e-9),
        )
        .exclude(tweet__in=exclude)
        .values_list("tweet", "shingle_count")
        .annotate(shared=Count("*"))
        .filter(shared__gte=common)
        .order_by()
    )
    if not overlaps:
        return []
    since = timezone.now() - timedelta(days=settings.NOVELTY_LOOKBACK_DAYS)
    compared = dict(
        Tweet.objects.filter(pk__in=[tweet for tweet, _, _ in overlaps])
        .filter(
            Q(state=Tweet.State.POSTED, posted_at__gte=since)
            | Q(state__in=WAITING)
            | Q(bot=bot, state=Tweet.State.DRAFT)
        )
        .values_list("pk", "bot_id")
    )
    matches = [
        Match(tweet, compared[tweet], n / (mine + theirs - n))
        for tweet, theirs, n in overlaps
        if tweet in compared
    ]
    return sorted(matches, key=lambda match: (-match.similarity, match.tweet_id))


def stored_similarity(bot, hashes: frozenset[int], *, threshold: float, flock=None) -> float:
    """The highest Jaccard similarity of a text with pairs `hashes` to what stored_matches
    compares it with: exact when it reaches `threshold`; below it the figure may be low."""
    matches = stored_matches(bot, hashes, threshold=threshold, flock=flock)
    return matches[0].similarity if matches else 0.0


@dataclass(frozen=True)
class FlockRepeat:
    """The same text (or nearly) going to `bot` and already `other`'s: its tweet `tweet_id`
    posted lately or queued, or none when `other` is only another of the bots it is meant
    for."""

    bot: Bot
    other: Bot
    tweet_id: int | None
    similarity: float

    def reason(self) -> str:
        where = (
            f"tweet {self.tweet_id} of {self.other.name}, posted lately or queued"
            if self.tweet_id
            else f"{self.other.name} would post it too"
        )
        return (
            f"The same text goes to {self.bot.name}: {where}. X does not allow identical "
            "content across several accounts; give each bot its own words."
        )


def flock_repeats(text: str, *, bots, exclude=()) -> list[FlockRepeat]:
    """Why `text` may not go to each of `bots` on a network that allows no identical
    content across accounts (X): another bot of the site on the network posted it lately
    or has it queued (tweets `exclude` left out), or two of `bots` on one such network
    would both post it. [] when it may go to all of them. For the composer, to warn before
    the same text goes to several X bots, and for approval (tweets.flock). Two queries per
    bot, and one to index what is not yet, however long the histories (rows written: the
    TweetShingle rows of any tweet not indexed yet)."""
    bots = list(bots)
    threshold = settings.NOVELTY_THRESHOLD
    hashes = shingle_hashes(text)
    repeats = []
    for first, second in combinations(bots, 2):
        same_network = first.network == second.network
        if same_network and rules_for(first).no_identical_text_across_accounts:
            repeats.append(FlockRepeat(second, first, None, 1.0))
    names = {}
    for bot in bots:
        if not rules_for(bot).no_identical_text_across_accounts:
            continue
        others = flock_of(bot).exclude(pk=bot.pk)
        index_missing_among(others)
        found = stored_matches(bot, hashes, threshold=threshold, flock=others, exclude=exclude)
        if found:
            match = found[0]
            other = names.get(match.bot_id) or Bot.objects.get(pk=match.bot_id)
            names[match.bot_id] = other
            repeats.append(FlockRepeat(bot, other, match.tweet_id, match.similarity))
    return repeats


class BotNovelty:
    """A bot's stored texts (with its flock's, where its network asks: flock_of) and a
    batch's own drafts: `admit` accepts or refuses a new text and, when it accepts,
    remembers it so the batch cannot repeat itself either."""

    def __init__(self, bot, *, threshold: float, flock=None):
        self.bot = bot
        self.threshold = threshold
        self.flock = flock
        self._batch = NoveltyIndex([], threshold=threshold)

    def similarity(self, text: str) -> float:
        stored = stored_similarity(
            self.bot, shingle_hashes(text), threshold=self.threshold, flock=self.flock
        )
        return max(stored, self._batch.similarity(text))

    def admit(self, text: str) -> bool:
        if self.similarity(text) >= self.threshold:
            return False
        self._batch.admit(text)
        return True


def index_for(bot) -> BotNovelty:
    """What a new draft of the bot is compared with: its posts of the last
    NOVELTY_LOOKBACK_DAYS, its tweets on their way and its drafts, however many, and on X
    the posts and queued tweets of every bot of the site on X too (rows written: the
    TweetShingle rows of any tweet not indexed yet)."""
    flock = flock_of(bot)
    index_missing_among(flock)
    return BotNovelty(bot, threshold=settings.NOVELTY_THRESHOLD, flock=flock)
