"""One post, one tweet (issue 20): a unique posted (bot, post id), and when a timeline read
was refused. Tweets an earlier reconcile marked posted with a post another tweet already
held become unknown first, for a person to settle from their cards."""

from django.db import migrations, models
from django.db.models import Count

NOTE = (
    "Marked posted with the post of tweet {holder} by an earlier bug: check the bot's profile, "
    "then settle it from its card (on X: mark posted with its link, or not on X: post again)."
)


def unshare_posts(apps, schema_editor):
    # A data repair, not a transition: these rows were never posted as the table knows it.
    Tweet = apps.get_model("tweets", "Tweet")
    posted = Tweet.objects.filter(state="posted").exclude(x_post_id="")
    shared = (
        posted.values("bot_id", "x_post_id")
        .annotate(holders=Count("pk"))
        .filter(holders__gt=1)
    )
    for row in shared.iterator():
        holders = posted.filter(bot_id=row["bot_id"], x_post_id=row["x_post_id"])
        first, *others = holders.order_by("posted_at", "pk").values_list("pk", flat=True)
        Tweet.objects.filter(pk__in=others).update(
            state="unknown",
            x_post_id="",
            posted_at=None,
            cost_usd=None,
            next_attempt_at=None,
            last_error=NOTE.format(holder=first),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tweets", "0008_tweet_generation_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="tweet",
            name="timeline_refused_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(unshare_posts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="tweet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "posted"), models.Q(("x_post_id", ""), _negated=True)),
                fields=("bot", "x_post_id"),
                name="unique_post_per_bot",
            ),
        ),
    ]
