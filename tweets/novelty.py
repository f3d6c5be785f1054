"""Novelty: a new draft must not repeat, or nearly repeat, what the bot already posted or has
waiting, because X refuses duplicate content and followers notice repeats.

Texts are compared as sets of word pairs (links, case and spacing folded: similarity, not
the identity reconciling needs), by Jaccard similarity. Each tweet's pairs are stored hashed
(TweetShingle, with the text's pair count), so a check reads only the rows holding the draft's
own pairs, among texts of a length that could be alike: its cost is set by the draft, not by
how many posts or drafts the bot has. A batch's own drafts are compared in memory.
"""

import hashlib
import math
from collections import Counter
from datetime import timedelta
from itertools import pairwise

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

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
    while True:
        batch = list(
            Tweet.objects.filter(bot=bot, shingle_count__isnull=True)
            .only("bot", "text")
            .order_by()[:INDEX_BATCH]
        )
        if not batch:
            return
        index_tweets(batch)


def stored_similarity(bot, hashes: frozenset[int], *, threshold: float) -> float:
    """The highest Jaccard similarity of a text with pairs `hashes` to the bot's posts of the
    last NOVELTY_LOOKBACK_DAYS and its waiting tweets and drafts. Exact when it reaches
    `threshold`; texts that cannot reach it are not read (a Jaccard of t needs pair counts
    within a factor t of each other, and a t share of the text's pairs in common), so below
    it the figure may be low."""
    if not hashes:
        return 0.0
    mine = len(hashes)
    common = math.ceil(threshold * mine - 1e-9)
    # Two queries, not a join: the planner cannot tell that texts sharing common pairs are
    # mostly of another length, and would scan the bot's tweets for a join that finds none.
    overlaps = list(
        TweetShingle.objects.filter(
            bot=bot,
            shingle_hash__in=hashes,
            shingle_count__gte=common,
            shingle_count__lte=math.floor(mine / threshold + 1e-9),
        )
        .values_list("tweet", "shingle_count")
        .annotate(shared=Count("*"))
        .filter(shared__gte=common)
        .order_by()
    )
    if not overlaps:
        return 0.0
    since = timezone.now() - timedelta(days=settings.NOVELTY_LOOKBACK_DAYS)
    compared = set(
        Tweet.objects.filter(pk__in=[tweet for tweet, _, _ in overlaps])
        .filter(
            Q(state=Tweet.State.POSTED, posted_at__gte=since)
            | Q(state__in=[*WAITING, Tweet.State.DRAFT])
        )
        .values_list("pk", flat=True)
    )
    return max(
        (n / (mine + theirs - n) for tweet, theirs, n in overlaps if tweet in compared),
        default=0.0,
    )


class BotNovelty:
    """A bot's stored texts and a batch's own drafts: `admit` accepts or refuses a new text
    and, when it accepts, remembers it so the batch cannot repeat itself either."""

    def __init__(self, bot, *, threshold: float):
        self.bot = bot
        self.threshold = threshold
        self._batch = NoveltyIndex([], threshold=threshold)

    def similarity(self, text: str) -> float:
        stored = stored_similarity(self.bot, shingle_hashes(text), threshold=self.threshold)
        return max(stored, self._batch.similarity(text))

    def admit(self, text: str) -> bool:
        if self.similarity(text) >= self.threshold:
            return False
        self._batch.admit(text)
        return True


def index_for(bot) -> BotNovelty:
    """What a new draft of the bot is compared with: its posts of the last
    NOVELTY_LOOKBACK_DAYS, its tweets on their way and its drafts, however many (rows
    written: the TweetShingle rows of any tweet not indexed yet)."""
    index_missing(bot)
    return BotNovelty(bot, threshold=settings.NOVELTY_THRESHOLD)
