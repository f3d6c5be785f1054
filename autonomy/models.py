"""Mentions: what bots heard, and what each did about it."""

from django.db import models


class Mention(models.Model):
    """A post that mentioned a listening bot, and what the bot did about it: each mention is
    decided once (the unique constraint), whatever reads it twice."""

    class Decision(models.TextChoices):
        REPLIED = "replied", "Replied"
        SKIPPED = "skipped", "Skipped"

    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="mentions")
    post_id = models.CharField(max_length=200)
    author_id = models.CharField(max_length=200)
    author_username = models.CharField(max_length=253, blank=True)
    conversation_id = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    keyword = models.CharField(max_length=100, blank=True)
    decision = models.CharField(max_length=10, choices=Decision)
    reason = models.TextField(blank=True)
    reply = models.OneToOneField(
        "tweets.Tweet",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    received_at = models.DateTimeField()

    class Meta:
        # The table it had when mentions lived in tweets (migrations moved only the state).
        db_table = "tweets_mention"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "post_id"], name="unique_mention_per_bot")
        ]
        indexes = [
            models.Index(
                fields=["bot", "decision", "conversation_id"], name="mention_conversation"
            ),
            models.Index(fields=["bot", "decision", "received_at"], name="mention_recent"),
        ]

    def __str__(self):
        return f"Mention {self.post_id} of {self.bot.name}: {self.get_decision_display()}"
