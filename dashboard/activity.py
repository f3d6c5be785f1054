"""The activity page: the entries a person may see, filtered, a keyset page at a time."""

from activity.models import Activity

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
