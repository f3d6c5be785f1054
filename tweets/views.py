"""The review queue and the pieces of it that update in place (htmx), and a bot's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bots.access import bot_for_user
from bots.groups import filter_by_group
from bots.models import Bot, BotGroup
from platforms import rules_for
from platforms.x import rules as x_rules
from tweets import history, services
from tweets.access import tweet_for_user
from tweets.forms import (
    MAX_TEXT_LENGTH,
    ApproveAtForm,
    BulkForm,
    HistoryFilterForm,
    PostLinkForm,
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
    form = ApproveAtForm(request.POST)
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
    """On X: the unknown tweet is the post the person links to."""
    tweet = tweet_for_user(request.user, pk)
    form = PostLinkForm(request.POST)
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
    """Not on X: the unknown tweet goes back to the queue."""
    tweet = tweet_for_user(request.user, pk)
    return _act(request, tweet, lambda: services.post_tweet_again(tweet, by=request.user))


@login_required
def edit(request, pk):
    tweet = tweet_for_user(request.user, pk)
    form = TweetTextForm(request.POST or None, initial={"text": tweet.text})
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
        return _back_to_review(request)
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
    return _back_to_review(request)


# The largest body a count of MAX_TEXT_LENGTH characters comes in: each character URL-encoded
# as at most 4 bytes of UTF-8, 3 characters each, and room for the other fields.
MAX_COUNT_BODY = MAX_TEXT_LENGTH * 12 + 1024


@login_required
@require_POST
def count(request):
    # The live count is asked with the text, and the bot whose network's rules count it
    # (X's when none is named). A text longer than any form takes is not read, let alone
    # counted.
    bot_pk = request.POST.get("bot", "") if _content_length(request) <= MAX_COUNT_BODY else ""
    rules = (
        rules_for(bot_for_user(request.user, int(bot_pk))) if bot_pk.isdigit() else x_rules.RULES
    )
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
        Tweet.objects.select_related("bot")
        .prefetch_related("tweetimage_set__image")
        .get(pk=tweet.pk)
    )
    return render(request, "tweets/includes/tweet_card.html", {"tweet": tweet, "error": error})


def _back_to_review(request):
    target = reverse("tweets:review")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)
