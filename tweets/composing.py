"""What the composer tells a person about a post before it goes: warnings that do not stop
it (the page lists them above its buttons)."""

from bots.models import Bot
from tweets.links import link_cost_note
from tweets.novelty import flock_repeats


def compose_warnings(bot: Bot, *, text: str) -> list[str]:
    """Warnings about posting `text` as `bot`, each a sentence: the same text lately posted
    or queued by another bot on a network that allows no identical content across accounts
    (X), and what a link costs there."""
    if not text.strip():
        return []
    warnings = [repeat.reason() for repeat in flock_repeats(text, bots=[bot])]
    if note := link_cost_note(bot, text):
        warnings.append(note)
    return warnings
