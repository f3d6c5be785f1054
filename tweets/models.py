"""Tweets: one row per draft from generation to posting, and one row per call to the X API."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from bots.models import Bot, BotImage
from corpora.models import Corpus
from platforms import post_url


class TweetQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(bot__owners=user)

    def due(self, now):
        """Approved tweets whose time has come, in posting order; a tweet waiting for its
        bot's next slot is not due until the slot releases it."""
        return (
            self.filter(state=Tweet.State.APPROVED, awaits_slot=False)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by(Coalesce("scheduled_for", "approved_at", "created_at"), "pk")
        )

    def sending(self):
        """Tweets handed to X, or being: X may have them (Tweet.SENDING)."""
        return self.filter(state__in=Tweet.SENDING)

    def holding_queue(self):
        """Tweets that hold their bot's queue: being sent, or unknown and to be reconciled
        (an unknown one left for a person does not hold it)."""
        return self.sending().exclude(state=Tweet.State.UNKNOWN, next_attempt_at=None)

    def in_flight(self):
        """Tweets on their way to X without a person: queued (not waiting for a slot),
        posting, or unknown."""
        return self.filter(_in_flight())

    def against_daily_cap(self, now):
        """What counts against a bot's daily cap: posts of the last 24 hours and every tweet
        in flight. The slot adds one more only below the cap; the claim lets the next
        queued tweet go while the ones already sent leave room (tweets.budget.Budget)."""
        return self.filter(_posted_within_a_day(now) | _in_flight())

    def posted_within_a_day(self, now):
        """Posts of the last 24 hours: with the tweets being sent (`sending`), what the
        claim counts against the daily cap before it lets the next queued tweet go."""
        return self.filter(_posted_within_a_day(now))


def _posted_within_a_day(now) -> Q:
    return Q(state=Tweet.State.POSTED, posted_at__gte=now - timedelta(hours=24))


def _in_flight() -> Q:
    return Q(state__in=Tweet.SENDING) | Q(state=Tweet.State.APPROVED, awaits_slot=False)


class Tweet(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Queued"
        POSTING = "posting", "Posting"
        POSTED = "posted", "Posted"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"
        # The API may have accepted it: reconcile with the bot's timeline before any retry.
        UNKNOWN = "unknown", "Unknown"
        # Missed its slot, or waited for approval past the bot's draft max age.
        EXPIRED = "expired", "Expired"

    class Source(models.TextChoices):
        GENERATED = "generated", "Generated"
        # Written by a person in the composer (tweets.services.compose_tweet).
        MANUAL = "manual", "Written by hand"

    # Handed to X, or being: the post may exist, so reconcile before it is ever sent again.
    SENDING = frozenset({State.POSTING, State.UNKNOWN})

    # The allowed changes of state, and the only ones (tweets.states.move_tweet checks every
    # write against it). Staying in a state while other fields change is always allowed.
    # X's answer is the truth: a post that went out becomes posted from wherever the row
    # went meanwhile (a reclaimed lease, a person's reject or retry); posted is final.
    TRANSITIONS = {
        State.DRAFT: frozenset({State.APPROVED, State.REJECTED, State.EXPIRED}),
        State.APPROVED: frozenset({State.POSTING, State.REJECTED, State.EXPIRED, State.POSTED}),
        State.POSTING: frozenset({State.POSTED, State.FAILED, State.APPROVED, State.UNKNOWN}),
        State.UNKNOWN: frozenset({State.POSTED, State.APPROVED}),
        State.FAILED: frozenset({State.APPROVED, State.POSTED}),
        State.EXPIRED: frozenset({State.APPROVED, State.POSTED}),
        State.REJECTED: frozenset({State.POSTED}),
        State.POSTED: frozenset(),
    }

    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="tweets")
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT, db_index=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.GENERATED)
    corpus = models.ForeignKey(Corpus, null=True, blank=True, on_delete=models.SET_NULL)
    seed_word = models.CharField(max_length=100, blank=True)
    in_reply_to_post_id = models.CharField(max_length=200, blank=True)
    # The links taken out of the text as it was queued, for a reply to its own post once it
    # is posted (Bot.link_policy "reply", tweets.links).
    links_for_reply = models.TextField(blank=True)
    generation_job = models.ForeignKey(
        "GenerationJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
    )
    images = models.ManyToManyField(BotImage, through="TweetImage", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_tweets",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(
        null=True, blank=True, help_text="Not posted before this time."
    )
    # Approved for a review-first schedule: posted at the bot's next free slot, oldest first.
    awaits_slot = models.BooleanField(default=False)
    # When the pipeline may next try (scheduled time, rate-limit reset or backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a post_tweet message naming this tweet was sent and not yet taken by a worker:
    # no second one is sent meanwhile (tweets.tasks.queue_post); None when none is waiting.
    message_sent_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    # The post's id on its network: X's number, Mastodon's status id, Bluesky's AT URI.
    x_post_id = models.CharField("post id", max_length=200, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # When reading the bot's timeline to settle this unknown tweet was refused (401/403):
    # the sweep checks again once the bot's credentials are verified after it.
    timeline_refused_at = models.DateTimeField(null=True, blank=True)
    # What the post cost at X's pay-per-use price, stored when posted (tweets.budget).
    cost_usd = models.DecimalField(
        "cost (USD)", max_digits=8, decimal_places=4, null=True, blank=True
    )
    # How many word pairs the text has, its TweetShingle rows written (tweets.novelty); None
    # until they are, as for rows written in bulk or a text just edited.
    shingle_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TweetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["bot", "state", "-created_at"], name="tweet_bot_state_created"),
            models.Index(fields=["state", "next_attempt_at"], name="tweet_state_due"),
            # One bot's tweets due in a time range, by state (the calendar of a few bots).
            models.Index(fields=["bot", "state", "next_attempt_at"], name="tweet_bot_state_due"),
            models.Index(fields=["state", "created_at"], name="tweet_state_created"),
            models.Index(fields=["bot", "-id"], name="tweet_bot_history"),
            # A bot's history, newest first, its date ranges and its pages (tweets.history).
            models.Index(fields=["bot", "-created_at", "-id"], name="tweet_bot_recent"),
            # The review queue, oldest first: one bot's drafts, and the drafts of many bots.
            models.Index(
                fields=["bot", "id"], name="tweet_drafts_by_bot", condition=models.Q(state="draft")
            ),
            models.Index(
                fields=["id", "bot"], name="tweet_drafts", condition=models.Q(state="draft")
            ),
            models.Index(
                fields=["bot", "posted_at"],
                name="tweet_bot_posted",
                condition=models.Q(state="posted"),
            ),
            # Novelty finds the texts it has not indexed yet here, however long the history.
            models.Index(
                fields=["bot"],
                name="tweet_bot_unshingled",
                condition=models.Q(shingle_count__isnull=True),
            ),
            # The dashboard's posts-per-day chart reads this index alone.
            models.Index(
                fields=["posted_at"],
                name="tweet_posted_at",
                condition=models.Q(state="posted"),
            ),
        ]
        constraints = [
            # One post, one tweet: reconciling never hands a tweet a post another one holds.
            models.UniqueConstraint(
                fields=["bot", "x_post_id"],
                name="unique_post_per_bot",
                condition=models.Q(state="posted") & ~models.Q(x_post_id=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_state_display()}: {self.text[:50]}"

    def get_absolute_url(self):
        # The bot's history, newest first, starting at this tweet.
        url = reverse("tweets:history", args=[self.bot_id])
        return f"{url}?before={self.pk + 1}"

    @property
    def x_post_url(self) -> str:
        return post_url(self.bot, self.x_post_id) if self.x_post_id else ""

    def post_key(self) -> str:
        """The same string for every attempt to post this tweet: the network's client makes
        its idempotency key (Mastodon) or record key (Bluesky) from it, so a retry of a post
        that may have gone out cannot post twice. Its id and creation instant in
        microseconds, for a record key ordered in time."""
        return f"aviary-{self.pk}-{int(self.created_at.timestamp() * 1_000_000)}"

    def is_editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.FAILED, self.State.EXPIRED}

    @property
    def is_in_flight(self) -> bool:
        """On its way to X without a person (TweetQuerySet.in_flight, for one row)."""
        return self.state in self.SENDING or (
            self.state == self.State.APPROVED and not self.awaits_slot
        )

    @property
    def awaits_person(self) -> bool:
        """Unknown with no check due: a person settles it from its card (or the sweep checks
        again once the bot's credentials are verified)."""
        return self.state == self.State.UNKNOWN and self.next_attempt_at is None

    @property
    def changes_on_its_own(self) -> bool:
        """In flight and not waiting for a person: its card polls for the next state."""
        return self.is_in_flight and not self.awaits_person

    def can_be_approved(self) -> bool:
        return self.state == self.State.DRAFT

    def needs_retry(self) -> bool:
        """Failed or expired: nothing more happens unless a person retries it."""
        return self.state in {self.State.FAILED, self.State.EXPIRED}

    def attached_images(self) -> list[BotImage]:
        """The images in posting order, from `tweetimage_set__image` as the views prefetch it."""
        return [link.image for link in self.tweetimage_set.all()]


class TweetShingle(models.Model):
    """One word pair of a tweet's text, hashed (tweets.novelty): a draft finds the texts that
    share its pairs through this table's index, at a cost set by the draft, not the history.
    The text's pair count is kept beside each hash, so texts too short or too long to be alike
    are passed over inside the index."""

    # The indexes below lead with the bot and with the tweet.
    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="+", db_index=False)
    tweet = models.ForeignKey(
        Tweet, on_delete=models.CASCADE, related_name="shingles", db_index=False
    )
    shingle_hash = models.BigIntegerField()
    shingle_count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["bot", "shingle_hash", "shingle_count"], name="shingle_bot_hash_count"
            ),
        ]
        constraints = [
            # Two checks indexing the same new tweet at once store its pairs once, so no
            # overlap is counted twice.
            models.UniqueConstraint(fields=["tweet", "shingle_hash"], name="one_shingle_per_tweet"),
        ]

    def __str__(self):
        return f"{self.shingle_hash} of tweet {self.tweet_id}"


class TweetImage(models.Model):
    tweet = models.ForeignKey(Tweet, on_delete=models.CASCADE)
    # PROTECT: a posted tweet's image stays for its history even if removed from the gallery.
    image = models.ForeignKey(BotImage, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)
    # The media id X gave the uploaded image, reused by a retry until X lets it expire.
    # What the network answered to the upload (Bluesky's is a blob reference).
    media_id = models.TextField(blank=True)
    media_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["tweet", "image"], name="unique_image_per_tweet")
        ]

    def __str__(self):
        return f"Image {self.position + 1} of tweet {self.tweet_id}"


class PostAttempt(models.Model):
    """One call to the X API on behalf of a tweet: the evidence behind its state."""

    class Outcome(models.TextChoices):
        POSTED = "posted", "Posted"
        DUPLICATE = "duplicate", "Duplicate content"
        UNAUTHORIZED = "unauthorized", "Unauthorized"
        FORBIDDEN = "forbidden", "Forbidden"
        RATE_LIMITED = "rate_limited", "Rate limited"
        OUT_OF_CREDIT = "out_of_credit", "Out of credit"
        TRANSIENT = "transient", "Temporary error"
        AMBIGUOUS = "ambiguous", "No answer (may have posted)"
        RECONCILED = "reconciled", "Found on the timeline"
        ERROR = "error", "Error"

    tweet = models.ForeignKey(Tweet, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["tweet", "number"]

    def __str__(self):
        return f"Attempt {self.number} for tweet {self.tweet_id}: {self.outcome or 'running'}"


class GenerationJob(models.Model):
    """A request to write drafts on a worker: the page polls this row to show progress."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Writing drafts"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="generation_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    count = models.PositiveSmallIntegerField()
    seed_word = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    created_count = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker took it: a job running past the hard time limit lost its worker.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.count} drafts for {self.bot.name}: {self.get_state_display()}"

    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    def is_running(self) -> bool:
        return self.state == self.State.RUNNING

    def has_failed(self) -> bool:
        return self.state == self.State.FAILED


class NoticeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at=None)


class Notice(models.Model):
    """A problem with a bot that its owners were told about by email, once: open while the
    problem lasts, closed when it is gone, so the next time it happens is a new notice."""

    class Kind(models.TextChoices):
        RECONNECT = "reconnect", "Needs reconnecting"
        OUT_OF_CREDIT = "out_of_credit", "Out of credit"
        FAILING = "failing", "Keeps failing"

    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind)
    detail = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0, help_text="Owners emailed.")
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bot", "kind"],
                condition=models.Q(closed_at=None),
                name="one_open_notice_per_problem",
            )
        ]

    def __str__(self):
        return f"{self.bot}: {self.get_kind_display()}"


class NoticeMute(models.Model):
    """An owner who asked not to be emailed about a bot's problems."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_notices"
    )
    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="notice_mutes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "bot"], name="one_mute_per_owner_and_bot")
        ]

    def __str__(self):
        return f"{self.user} mutes {self.bot}"
