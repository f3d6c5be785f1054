"""Demo schedules and listening for `make run`: the two demo bots post on their own and
answer each other, and the exchange stops by itself within their reply limits."""

from datetime import time

from django.db import transaction

from bots.listener import save_listener
from bots.models import Bot, Listener, Schedule
from bots.schedule import save_schedule
from tweets.models import Tweet
from tweets.services import post_now

DEMO_SCHEDULES = {
    "Lighthouse": {
        "kind": Schedule.Kind.TIMES,
        "times_of_day": ["09:00", "13:00", "18:00"],
        "time_zone": "Europe/London",
        "quiet_start": time(22, 0),
        "quiet_end": time(7, 0),
    },
    "Almanac": {
        "kind": Schedule.Kind.INTERVAL,
        "every_minutes": 120,
        "jitter_minutes": 10,
        "time_zone": "America/New_York",
        "quiet_start": time(23, 0),
        "quiet_end": time(6, 0),
    },
}
# Each listens for a word the other's replies carry ("night" is in both voices).
DEMO_KEYWORDS = {"Lighthouse": ["night", "light"], "Almanac": ["night", "door"]}
OPENER = "@almanac_bot What a night it is for keeping a light."


def load_demo_autonomy(bots: list[Bot], *, owner) -> None:
    """Give the demo bots schedules and listeners (once; a person's later changes stay),
    and queue Lighthouse's opening mention of Almanac the first time."""
    with transaction.atomic():
        for bot in bots:
            if bot.name in DEMO_SCHEDULES and not Schedule.objects.filter(bot=bot).exists():
                save_schedule(bot, by=owner, **DEMO_SCHEDULES[bot.name])
            if bot.name in DEMO_KEYWORDS and not Listener.objects.filter(bot=bot).exists():
                save_listener(
                    bot,
                    by=owner,
                    keywords=DEMO_KEYWORDS[bot.name],
                    reply_mode=Bot.PostingMode.AUTOPILOT,
                    # The demo's owner runs `make run` to see the bots answer each other:
                    # loading the demo confirms X's reply rule for them, as the form would.
                    confirm_reply_rule=True,
                )
        lighthouse = next((bot for bot in bots if bot.name == "Lighthouse"), None)
        if (
            lighthouse is not None
            and not Tweet.objects.filter(bot=lighthouse, text=OPENER).exists()
        ):
            opener = Tweet.objects.create(bot=lighthouse, text=OPENER)
            post_now(opener, by=owner)
