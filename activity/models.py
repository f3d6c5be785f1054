"""The activity log: one row per thing a person or Aviary did, about a bot, tweet, image
or corpus, named by "app.Model" strings so the log sits below everything it records."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries about the user's bots, and about corpora the user may see."""
        if user.is_superuser:
            return self
        # The subjects' models by the log's own foreign keys, not imported: the log sits below
        # what it records. IN (subquery), not joins, so no entry comes twice and no DISTINCT
        # keeps a page from being read from an index in order.
        bot_model = self.model._meta.get_field("bot").related_model
        corpus_model = self.model._meta.get_field("corpus").related_model
        bots = bot_model._default_manager.filter(owners=user).values("pk")
        corpora = corpus_model._default_manager.filter(
            models.Q(bots__owners=user) | models.Q(created_by=user)
        ).values("pk")
        return self.filter(models.Q(bot__in=bots) | models.Q(bot__isnull=True, corpus__in=corpora))


class Activity(models.Model):
    """One thing a person or Aviary itself did: the log shown on tweets, bots and corpora.

    Rows are written by services (activity.services.record_activity), never by signals. The
    subjects are kept with SET_NULL and a label, so an entry outlives what it was about.
    """

    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who acted, as shown: a username, or what Aviary part acted ("schedule", "worker").
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=40, help_text="What happened, e.g. tweet.approved.")
    message = models.TextField()
    bot = models.ForeignKey(
        "bots.Bot", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity"
    )
    tweet = models.ForeignKey(
        "tweets.Tweet", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity"
    )
    image = models.ForeignKey(
        "bots.BotImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
    )
    corpus = models.ForeignKey(
        "corpora.Corpus",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
    )
    details = models.JSONField(default=dict, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        # The table it had when the log lived in bots (migrations moved only the state).
        db_table = "bots_activity"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activity"
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="activity_recent"),
            models.Index(fields=["bot", "-created_at", "-id"], name="activity_bot_recent"),
            # Entries about no bot (corpora), and a person's entries, read in order too.
            models.Index(
                fields=["-created_at", "-id"],
                name="activity_botless_recent",
                condition=models.Q(bot__isnull=True),
            ),
            models.Index(
                Upper("actor_name"), F("created_at").desc(), F("id").desc(), name="activity_actor"
            ),
        ]

    def __str__(self):
        return f"{self.actor_name}: {self.message[:60]}"
