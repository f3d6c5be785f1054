"""Corpora: the texts a bot speaks from, their sources, and the state of the compiled model."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bots.models import Bot


class CorpusQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(models.Q(bots__owners=user) | models.Q(created_by=user)).distinct()


class Corpus(models.Model):
    class Status(models.TextChoices):
        EMPTY = "empty", "No text yet"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=120)
    state_size = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Words of context per step: 1 wanders, 4 mostly quotes.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.EMPTY)
    status_detail = models.TextField(blank=True, help_text="Why the last build failed.")
    # sha256 of the sources and state size the ready model was built from.
    checksum = models.CharField(max_length=64, blank=True)
    model_file = models.FileField(upload_to="models/", blank=True)
    sentence_count = models.PositiveIntegerField(default=0)
    word_count = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    bots = models.ManyToManyField(Bot, through="BotCorpus", related_name="corpora", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CorpusQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "corpora"

    def __str__(self):
        return self.name

    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    def is_building(self) -> bool:
        return self.status == self.Status.BUILDING

    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED


class BotCorpus(models.Model):
    """A bot speaks from several corpora, each with a weight (like markovify's combine)."""

    bot = models.ForeignKey(Bot, on_delete=models.CASCADE)
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    # When the link was made or its weight last changed: failures from before are outdated.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bot corpus"
        verbose_name_plural = "bot corpora"
        constraints = [models.UniqueConstraint(fields=["bot", "corpus"], name="unique_bot_corpus")]

    def __str__(self):
        return f"{self.corpus} for {self.bot.name} (x{self.weight:g})"


class CorpusSource(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "Uploaded file"
        TEXT = "text", "Pasted text"
        X_ARCHIVE = "x_archive", "X archive (tweets.js)"

    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(max_length=200, blank=True)
    # Every source is stored as normalised UTF-8 text, whatever it came as.
    text = models.TextField(blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.name or f"{self.get_kind_display()} #{self.pk}"
