"""The review queue and the pieces of it that update in place (htmx), and a bot's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bots.access import bot_for_user
from bots.groups import filter_by_group
from bots.models import Bot, BotGroup
from bots.zones import zone_of
from platforms import rules_for
from platforms.x import rules as x_rules
from tweets import calendar as tweet_calendar
from tweets import composing, history, notices, services
from tweets.access import tweet_for_user
from tweets.forms import (
    MAX_TEXT_LENGTH,
    ApproveAtForm,
    BulkForm,
    CalendarForm,
    ComposeBotForm,
    ComposeForm,
    HistoryFilterForm,
    PostLinkForm,
    RescheduleForm,
    ReviewFilterForm,
    TweetTextForm,
)
from tweets.generation import CannotGenerate
from tweets.images import AttachRefused, attach_images
from tweets.models import Tweet
from tweets.services import InvalidPost, InvalidText, InvalidTransition

REVIEW_PAGE_SIZE = 50


@login_required
@require_GET
def review(request):
    bots, group = filter_by_group(
        Bot.objects.visible_to(request.user), request.user, request.GET.get("group")
    )
    form = ReviewFilterForm(request.GET, bots=bots)
    form.is_valid()  # a bot that is not the person's shows its error and no drafts
    drafts = history.review_queue(
        bots, bot=form.cleaned_data.get("bot"), after=form.cleaned_data.get("after")
    )
    page = [] if form.has_error("bot") else list(drafts[: REVIEW_PAGE_SIZE + 1])
    context = {
        "filters": form,  # not "form": each card's editor is its "form"
        "group": group,
        "groups": BotGroup.objects.visible_to(request.user),
        "drafts": page[:REVIEW_PAGE_SIZE],
        "next_after": page[REVIEW_PAGE_SIZE - 1].pk if len(page) > REVIEW_PAGE_SIZE else None,
    }
    if request.htmx and form.cleaned_data.get("after"):
        return render(request, "tweets/includes/review_page.html", context)
    return render(request, "tweets/tweet_review.html", context)


@login_required
@require_GET
def card(request, pk):
    return _card(request, tweet_for_user(request.user, pk))


@login_required
@require_POST
def approve(request, pk):
    tweet = tweet_for_user(request.user, pk)
    return _act(request, tweet, lambda: services.approve_tweet(tweet, by=request.user))


@login_required
@require_POST
def approve_at(request, pk):
    tweet = tweet_for_user(request.user, pk)
    form = ApproveAtForm(request.POST, zone=zone_of(tweet.bot))
    if not form.is_valid():
        return _card(request, tweet, error=form.errors["at"][0])
    at = form.cleaned_data["at"]
    return _act(request, tweet, lambda: services.approve_tweet(tweet, by=request.user, at=at))


@login_required
@require_POST
def reject(request, pk):
    tweet = tweet_for_user(request.user, pk)
    return _act(request, tweet, lambda: services.reject_tweet(tweet, by=request.user))


@login_required
@require_POST
def regenerate(request, pk):
    tweet = tweet_for_user(request.user, pk)
    return _act(request, tweet, lambda: services.regenerate_tweet(tweet, by=request.user))


@login_required
@require_POST
def retry(request, pk):
    tweet = tweet_for_user(request.user, pk)
    return _act(request, tweet, lambda: services.retry_tweet(tweet, by=request.user))


@login_required
@require_POST
def mark_posted(request, pk):
    """On its network: the unknown tweet is the post the person links to."""
    tweet = tweet_for_user(request.user, pk)
    form = PostLinkForm(request.POST, bot=tweet.bot)
    if not form.is_valid():
        return _card(request, tweet, error=form.errors["link"][0])
    post_id = form.cleaned_data["link"]
    return _act(
        request,
        tweet,
        lambda: services.mark_tweet_posted(tweet, post_id=post_id, by=request.user),
    )


@login_required
@require_POST
def post_again(request, pk):
    """Not on its network: the unknown tweet goes back to the queue."""
    tweet = tweet_for_user(request.user, pk)
    return _act(request, tweet, lambda: services.post_tweet_again(tweet, by=request.user))


@login_required
def edit(request, pk):
    tweet = tweet_for_user(request.user, pk)
    form = TweetTextForm(request.POST or None, initial={"text": tweet.text}, bot=tweet.bot)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        return _act(request, tweet, lambda: services.edit_tweet(tweet, text=text, by=request.user))
    prefetch_related_objects([tweet], "tweetimage_set__image")
    rules = rules_for(tweet.bot)
    context = {
        "tweet": tweet,
        # A tweet whose text may no longer change shows its card and its actions instead.
        "form": form if tweet.is_editable() else None,
        "length": rules.weighted_length(form["text"].value() or ""),
        "rules": rules,
    }
    template = "tweets/includes/tweet_card.html" if request.htmx else "tweets/tweet_edit.html"
    status = 400 if form.is_bound and not request.htmx else 200
    return render(request, template, context, status=status)


@login_required
@require_POST
def bulk(request):
    visible = Tweet.objects.filter(bot__in=Bot.objects.visible_to(request.user))
    ids = [value for value in request.POST.getlist("tweets") if value.isdecimal()]
    allowed = list(visible.filter(pk__in=ids).values_list("pk", flat=True))
    data = request.POST.copy()
    data.setlist("tweets", [str(pk) for pk in allowed])  # others' ids are simply not acted on
    form = BulkForm(data, tweet_ids=allowed)
    if not form.is_valid():
        messages.error(
            request, " ".join(error for errors in form.errors.values() for error in errors)
        )
        return _back_to_review(request, query=request.GET.urlencode())
    act = (
        services.approve_tweet
        if form.cleaned_data["action"] == "approve"
        else services.reject_tweet
    )
    done, refused = 0, 0
    for tweet in visible.filter(pk__in=form.cleaned_data["tweets"]).select_related("bot"):
        try:
            act(tweet, by=request.user)
            done += 1
        except (InvalidTransition, InvalidText):
            refused += 1
    verb = "approved" if form.cleaned_data["action"] == "approve" else "rejected"
    messages.success(request, f"{done} draft{'s' if done != 1 else ''} {verb}.")
    if refused:
        messages.warning(request, f"{refused} had already moved on and were left as they are.")
    return _back_to_review(request, query=request.GET.urlencode())  # the filter stays


# The largest body a count of MAX_TEXT_LENGTH characters comes in: each character URL-encoded
# as at most 4 bytes of UTF-8, 3 characters each, and room for the other fields.
MAX_COUNT_BODY = MAX_TEXT_LENGTH * 12 + 1024


@login_required
@require_POST
def count(request):
    # The live count is asked with the text and, from the composer, the bot (by id): its
    # network's rules count it; else X's. A text longer than any form takes is not read,
    # let alone counted.
    rules = x_rules.RULES
    bot_id = request.POST.get("bot", "")
    if bot_id.isdecimal() and len(bot_id) < 19:
        rules = rules_for(bot_for_user(request.user, int(bot_id)))
    context = {"rules": rules, "too_long": MAX_TEXT_LENGTH}
    if _content_length(request) <= MAX_COUNT_BODY:
        text = request.POST.get("text", "").strip()
        if len(text) <= MAX_TEXT_LENGTH:
            context = {"rules": rules, "length": rules.weighted_length(text)}
    return render(request, "tweets/includes/char_count.html", context)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: nothing to parse


@login_required
@require_GET
def bot_history(request, bot_pk):
    bot = bot_for_user(request.user, bot_pk)
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = history.history_page(bot, filters)
    context = {"bot": bot, "form": form, "page": page}
    if request.htmx:
        return render(request, "tweets/includes/history_rows.html", context)
    return render(request, "tweets/tweet_history.html", context)


@login_required
@require_GET
def bot_history_csv(request, bot_pk):
    bot = bot_for_user(request.user, bot_pk)
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    chunks = history.csv_chunks(bot, filters)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bot.handle}-tweets.csv"'
    return response


@login_required
def images(request, pk):
    """GET: the bot's gallery as a picker; POST: make the checked images the draft's."""
    tweet = tweet_for_user(request.user, pk)
    if request.method == "GET":
        context = {
            "tweet": tweet,
            "images": tweet.bot.images.in_gallery().order_by("-created_at"),
            "chosen": set(tweet.tweetimage_set.values_list("image_id", flat=True)),
            "rules": rules_for(tweet.bot),
        }
        return render(request, "tweets/includes/image_picker.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    ids = [value for value in request.POST.getlist("images") if value.isdecimal()]
    chosen = {image.pk: image for image in tweet.bot.images.in_gallery().filter(pk__in=ids)}
    ordered = [chosen[int(value)] for value in dict.fromkeys(ids) if int(value) in chosen]
    try:
        attach_images(tweet, images=ordered)
    except AttachRefused as error:
        return _card(request, tweet, error=str(error))
    if not request.htmx:
        messages.success(request, "Images saved on the draft.")
    return _card(request, tweet)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request):
    """A post written by hand: first the bot (?bot=N or its name), then the text, images,
    the post it answers, and whether it waits for review, goes now or at a time."""
    bots = Bot.objects.visible_to(request.user)
    chooser = ComposeBotForm(request.GET or None, bots=bots)
    if not chooser.is_valid():
        return render(request, "tweets/tweet_compose.html", {"chooser": chooser})
    bot = chooser.cleaned_data["bot"]
    form = ComposeForm(request.POST or None, bot=bot)
    if request.method == "POST" and form.is_valid():
        try:
            tweet = services.compose_tweet(
                bot,
                text=form.cleaned_data["text"],
                by=request.user,
                images=form.cleaned_data["images"],
                in_reply_to_post_id=form.cleaned_data["reply_to"],
                approve=form.cleaned_data["action"] == "approve",
                at=form.cleaned_data["at"],
            )
        except (InvalidText, InvalidTransition, AttachRefused) as error:
            form.add_error(None, str(error))
        else:
            return _after_compose(request, tweet)
    text = form["text"].value() or ""
    context = {
        "chooser": chooser,
        "bot": bot,
        "form": form,
        "rules": form.rules,
        "length": form.rules.weighted_length(text),
        "warnings": composing.compose_warnings(bot, text=text),
        "images": bot.images.in_gallery().order_by("-created_at"),
        "chosen": {int(value) for value in form["images"].value() or () if str(value).isdecimal()},
    }
    return render(
        request, "tweets/tweet_compose.html", context, status=400 if form.is_bound else 200
    )


def _after_compose(request, tweet):
    if tweet.state == Tweet.State.DRAFT:
        messages.success(request, f"Added to the review queue for {tweet.bot.name}.")
        return redirect(f"{reverse('tweets:review')}?bot={tweet.bot_id}")
    messages.success(request, services.approval_note(tweet))
    return redirect("tweets:edit", tweet.pk)


@login_required
@require_GET
def calendar(request):
    bots, group = filter_by_group(
        Bot.objects.visible_to(request.user), request.user, request.GET.get("group")
    )
    form = CalendarForm(request.GET, bots=bots)
    form.is_valid()  # a refused field shows its error; the calendar uses the default
    bot = form.value("bot", None)
    chosen = bots.filter(pk=bot.pk) if bot else bots
    today = timezone.localdate(timezone=zone_of(bot)) if bot else timezone.localdate()
    view = form.value("view", "week")
    context = {
        "filters": form,
        "group": group,
        "groups": BotGroup.objects.visible_to(request.user),
        "calendar": tweet_calendar.build_calendar(
            chosen,
            view=view,
            start=form.value("start", today),
            today=today,
            now=timezone.now(),
        ),
    }
    return render(request, "tweets/tweet_calendar.html", context)


@login_required
@require_POST
def reschedule(request, pk):
    """Move a queued tweet to another time (in its bot's zone), back to the calendar."""
    tweet = tweet_for_user(request.user, pk)
    form = RescheduleForm(request.POST, zone=zone_of(tweet.bot))
    if not form.is_valid():
        messages.error(request, f"Tweet {tweet.pk} was not moved: {form.errors['at'][0]}")
    else:
        try:
            services.reschedule_tweet(tweet, at=form.cleaned_data["at"], by=request.user)
        except InvalidTransition as error:
            messages.error(request, f"Tweet {tweet.pk} was not moved: {error}")
        else:
            messages.success(request, services.approval_note(tweet))
    query = request.GET.urlencode()
    return redirect(f"{reverse('tweets:calendar')}{'?' + query if query else ''}")


def _act(request, tweet, action):
    try:
        action()
    except (InvalidTransition, InvalidText, InvalidPost, CannotGenerate) as error:
        tweet.refresh_from_db()
        return _card(request, tweet, error=str(error))
    tweet.refresh_from_db()
    if not request.htmx:
        messages.success(request, f"Tweet {tweet.get_state_display().lower()}.")
    return _card(request, tweet)


def _card(request, tweet, *, error=""):
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back_to_review(request)
    tweet = (
        Tweet.objects.select_related("bot__schedule")
        .prefetch_related("tweetimage_set__image")
        .get(pk=tweet.pk)
    )
    return render(request, "tweets/includes/tweet_card.html", {"tweet": tweet, "error": error})


def _back_to_review(request, *, query: str = ""):
    target = reverse("tweets:review") + (f"?{query}" if query else "")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
@require_POST
def notices_toggle(request, bot_pk):
    bot = bot_for_user(request.user, bot_pk)
    on = bool(request.POST.get("on"))
    notices.set_notices(bot, user=request.user, on=on)
    if on:
        messages.success(request, f"You will get an email when {bot.name} has a problem.")
    else:
        messages.success(request, f"No more problem emails about {bot.name}.")
    return redirect(reverse("bots:detail", args=[bot.pk]) + "#notices")
