"""Groups of bots run together (BotGroup)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from bots.models.bot import Bot
from bots.models.ledger import budget_field


class BotGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(created_by=user)


class BotGroup(models.Model):
    """A named set of bots (a night shift, a client, a language): the dashboard, the review
    queue and the activity log filter by it, and it pauses, resumes or generates at once.
    Each person keeps their own groups; acting on one reaches only the bots they own."""

    name = models.CharField(max_length=80)
    bots = models.ManyToManyField(Bot, related_name="groups", blank=True)
    monthly_budget_usd = budget_field(
        "Most the group's bots together spend on X in a calendar month (UTC); blank for none."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BotGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "name"], name="unique_group_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bots:group", args=[self.pk])
