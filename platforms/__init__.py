"""The social networks Aviary speaks to, and the only way in: `client_for(bot)` for a bot's
network client and `rules_for(bot)` for that network's Rules. No Django models here."""

from platforms.x.client import XClient


def client_for(bot) -> XClient:
    """The client that speaks for `bot` on its network (X or the sandbox's X)."""
    return XClient(bot)
