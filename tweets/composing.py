"""What the composer tells a person about a post before it goes: warnings that do not stop
it (the page lists them above its buttons)."""

from bots.models import Bot


def compose_warnings(bot: Bot, *, text: str) -> list[str]:
    """Warnings about posting `text` as `bot`, each a sentence; none yet. Issue 18 adds the
    flock-wide duplicate warning and the cost of a link here."""
    return []
