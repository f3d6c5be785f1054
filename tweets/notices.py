"""Telling owners about a bot's problems by email: one email per problem (it needs
reconnecting, its credit ran out, it keeps failing), not one per tweet, and never to an
owner who turned them off for that bot.

A beat task (tweets.tasks.send_notices) compares the problems the rows show now with the
notices still open: a new problem opens a notice and emails the owners once; a problem gone
closes its notice, so the next time it happens is news again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse

from activity.services import record_activity
from bots.models import Bot
from tweets.models import Notice, NoticeMute, Tweet

# A bot keeps failing when this many of its tweets failed within FAILING_WINDOW and none
# went out after the last of them.
FAILING_COUNT = 3
FAILING_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Problem:
    bot_id: int
    kind: Notice.Kind
    detail: str


def current_problems(now: datetime) -> dict[tuple[int, str], Problem]:
    """Every bot's problem as its rows show it now, by (bot id, kind). Three queries,
    whatever the size of the flock."""
    problems = {}
    flagged = Bot.objects.exclude(attention_reason="", out_of_credit_reason="").values_list(
        "pk", "attention_reason", "out_of_credit_reason"
    )
    for bot_id, attention, out_of_credit in flagged:
        if attention:
            problems[bot_id, Notice.Kind.RECONNECT] = Problem(
                bot_id, Notice.Kind.RECONNECT, attention
            )
        if out_of_credit:
            problems[bot_id, Notice.Kind.OUT_OF_CREDIT] = Problem(
                bot_id, Notice.Kind.OUT_OF_CREDIT, out_of_credit
            )
    failures = {
        row["bot"]: row
        for row in Tweet.objects.filter(
            state=Tweet.State.FAILED, updated_at__gte=now - FAILING_WINDOW
        )
        .values("bot")
        .annotate(failed=Count("pk"), last_failed=Max("updated_at"))
        .filter(failed__gte=FAILING_COUNT)
    }
    last_posted = dict(
        Tweet.objects.filter(
            bot__in=list(failures), state=Tweet.State.POSTED, posted_at__gte=now - FAILING_WINDOW
        )
        .values("bot")
        .annotate(last=Max("posted_at"))
        .values_list("bot", "last")
    )
    for bot_id, row in failures.items():
        posted = last_posted.get(bot_id)
        if posted is None or posted < row["last_failed"]:
            problems[bot_id, Notice.Kind.FAILING] = Problem(
                bot_id,
                Notice.Kind.FAILING,
                f"{row['failed']} posts failed in the last 24 hours and none went out since.",
            )
    return problems


def send_notices(now: datetime) -> dict[str, int]:
    """Open a notice and email the owners for each new problem, close the notices of
    problems gone. Rows written: Notice, Activity (notice.sent, notice.closed); emails sent
    through Django's email backend. Returns {"opened": n, "closed": n, "emails": n}."""
    problems = current_problems(now)
    open_notices = {(n.bot_id, n.kind): n for n in Notice.objects.open()}
    closed = 0
    for key, notice in open_notices.items():
        if key not in problems:
            closed += _close(notice, now)
    opened = emails = 0
    for key, problem in problems.items():
        if key not in open_notices:
            sent = _open(problem, now)
            opened += sent is not None
            emails += sent or 0
    return {"opened": opened, "closed": closed, "emails": emails}


def _open(problem: Problem, now: datetime) -> int | None:
    """The notice of a new problem and its emails; None when another sweep opened it."""
    bot = Bot.objects.get(pk=problem.bot_id)
    messages = _emails(bot, problem)
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                bot=bot,
                kind=problem.kind,
                detail=problem.detail,
                opened_at=now,
                recipients=len(messages),
            )
            record_activity(
                "notice.sent",
                message=f"Emailed {len(messages)} owner(s): {notice.get_kind_display()}.",
                bot=bot,
                kind=problem.kind,
            )
    except IntegrityError:
        return None
    # After the commit: a failed send loses one email, never the notice (sent once).
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)


def _close(notice: Notice, now: datetime) -> int:
    with transaction.atomic():
        done = Notice.objects.filter(pk=notice.pk, closed_at=None).update(closed_at=now)
        if done:
            record_activity(
                "notice.closed",
                message=f"{notice.get_kind_display()}: resolved.",
                bot=notice.bot,
                kind=notice.kind,
            )
    return done


def _emails(bot: Bot, problem: Problem) -> list[tuple[str, str, str, list[str]]]:
    muted = NoticeMute.objects.filter(bot=bot).values_list("user_id", flat=True)
    owners = bot.owners.filter(is_active=True).exclude(email="").exclude(pk__in=muted)
    url = settings.SITE_URL.rstrip("/") + reverse("bots:detail", args=[bot.pk])
    context = {"bot": bot, "detail": problem.detail, "url": url, "settings_url": url + "#notices"}
    subject = f"Aviary: {bot.name}: {Notice.Kind(problem.kind).label.lower()}"
    body = render_to_string(f"tweets/email/notice_{problem.kind}.txt", context)
    return [(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email]) for owner in owners]


def owner_is_notified(bot: Bot, user) -> bool:
    return not NoticeMute.objects.filter(bot=bot, user=user).exists()


def set_notices(bot: Bot, *, user, on: bool) -> None:
    """Turn `user`'s emails about `bot`'s problems on or off (rows: NoticeMute, Activity)."""
    with transaction.atomic():
        if on:
            changed = NoticeMute.objects.filter(bot=bot, user=user).delete()[0]
        else:
            changed = int(NoticeMute.objects.get_or_create(bot=bot, user=user)[1])
        if changed:
            record_activity(
                "notice.muted" if not on else "notice.unmuted",
                message=f"{user} turned problem emails {'on' if on else 'off'}.",
                by=user,
                actor="user",
                bot=bot,
            )
