"""Novelty: a new draft must not repeat, or nearly repeat, what the bot already posted or has
waiting, because X refuses duplicate content and followers notice repeats.

Texts are compared as sets of word pairs (links, case and spacing folded: similarity, not
the identity reconciling needs), by Jaccard similarity; an inverted index over the pairs finds
the candidates that share any pair in one pass, so a bot with thousands of posts costs three
bounded queries and a dictionary lookup per pair.
"""

from collections import Counter
from datetime import timedelta
from itertools import pairwise

from django.conf import settings
from django.utils import timezone

from platforms.x.text import remove_urls
from tweets.models import Tweet

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


def index_for(bot) -> NoveltyIndex:
    """The bot's recent posts, its tweets on their way and its drafts: up to
    NOVELTY_MAX_TEXTS of each kind, newest first, each read through an index of its own, so
    thousands of waiting drafts cannot crowd out the posts X would refuse to see again, and
    the cost stays the same however long the bot's history."""
    since = timezone.now() - timedelta(days=settings.NOVELTY_LOOKBACK_DAYS)
    most = settings.NOVELTY_MAX_TEXTS
    tweets = Tweet.objects.filter(bot=bot)
    kinds = [
        tweets.filter(state=Tweet.State.POSTED, posted_at__gte=since).order_by("-posted_at"),
        tweets.filter(state__in=WAITING).order_by("-created_at"),
        tweets.filter(state=Tweet.State.DRAFT).order_by("-created_at"),
    ]
    texts = [text for kind in kinds for text in kind.values_list("text", flat=True)[:most]]
    return NoveltyIndex(texts, threshold=settings.NOVELTY_THRESHOLD)
