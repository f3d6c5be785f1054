"""The activity log: one call, record_activity, that every service uses to say what it did."""

from activity.models import Activity

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
    image=None,
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
