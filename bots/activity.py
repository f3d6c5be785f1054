"""The activity log: one call, record_activity, that every service uses to say what it did."""

from bots.models import Activity, BotImage

# Who acted when no person did: the part of Aviary that made the change.
SYSTEM_ACTORS = {"schedule", "worker", "listener", "system"}


def record_activity(
    action: str,
    *,
    message: str,
    by=None,
    actor: str = "system",
    bot=None,
    tweet=None,
    image: BotImage | None = None,
    corpus=None,
    **details,
) -> Activity:
    """Write one activity row (rows written: Activity) inside the caller's transaction.

    `by` is the user who acted; without one, `actor` names the part of Aviary that did
    (one of SYSTEM_ACTORS). The bot is taken from the tweet or image when not given.
    `details` must be JSON-serialisable and never hold a secret.
    """
    if by is None and actor not in SYSTEM_ACTORS:
        raise ValueError(f"Unknown actor {actor!r}: pass the user as by= or one of {SYSTEM_ACTORS}")
    if bot is None and tweet is not None:
        bot_id = tweet.bot_id
    elif bot is None and image is not None:
        bot_id = image.bot_id
    else:
        bot_id = bot.pk if bot is not None else None
    return Activity.objects.create(
        action=action,
        message=message,
        actor=by,
        actor_name=by.get_username() if by is not None else actor,
        bot_id=bot_id,
        tweet=tweet,
        image=image,
        corpus=corpus,
        details=details,
    )


ACTIVITY_PAGE_SIZE = 50
# What the filter offers: the subject an action is about, by its dotted prefix.
SUBJECTS = [
    ("tweet", "Tweets"),
    ("image", "Images"),
    ("corpus", "Corpora"),
    ("bot", "Bot settings and health"),
    ("mention", "Mentions"),
    ("schedule", "Schedule"),
]


def activity_page(user, filters: dict) -> dict:
    """One page of the entries `user` may see, newest first, filtered, with the cursor of
    the next page (keyset by id, so any depth costs the same)."""
    entries = Activity.objects.visible_to(user)
    if filters.get("bot"):
        entries = entries.filter(bot=filters["bot"])
    if filters.get("group"):
        entries = entries.filter(bot__groups=filters["group"])
    if filters.get("tweet"):
        entries = entries.filter(tweet_id=filters["tweet"])
    if filters.get("corpus"):
        entries = entries.filter(corpus_id=filters["corpus"])
    if filters.get("subject"):
        entries = entries.filter(action__startswith=f"{filters['subject']}.")
    if filters.get("person"):
        entries = entries.filter(actor_name__iexact=filters["person"])
    if filters.get("since"):
        entries = entries.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(created_at__date__lte=filters["until"])
    if filters.get("before"):
        entries = entries.filter(pk__lt=filters["before"])
    rows = list(
        entries.select_related("bot", "tweet", "corpus").order_by("-pk")[: ACTIVITY_PAGE_SIZE + 1]
    )
    more = len(rows) > ACTIVITY_PAGE_SIZE
    rows = rows[:ACTIVITY_PAGE_SIZE]
    return {"entries": rows, "next_before": rows[-1].pk if more else None}
