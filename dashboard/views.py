"""The site's pages about bots: the dashboard of the flock, each bot's own page and
gallery, groups and the activity log. They combine every app below them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bots import groups, services, spend
from bots.access import bot_for_user, gallery_image_for_user, group_for_user
from bots.connecting import network_name
from bots.forms import (
    AltTextForm,
    BotSettingsForm,
    CoOwnerForm,
    GalleryUploadForm,
    ScheduleForm,
)
from bots.gallery import add_gallery_image, set_alt_text
from bots.group_forms import GroupBotForm, GroupForm, GroupGenerateForm
from bots.images import ImageRejected
from bots.listener import save_listener
from bots.models import Bot, BotGroup, Listener, Schedule
from bots.picker import suggest_bots
from bots.schedule import describe, save_schedule
from corpora.models import BotCorpus
from corpora.uploads import limit_uploads
from dashboard import stats, x_rules
from dashboard.activity import activity_page
from dashboard.forms import ActivityFilterForm, ChecklistForm, DoNotReplyForm, ListenerForm
from dashboard.health import read_health
from pages.confirming import ask_first, is_confirmed
from pages.failed_forms import failed_form_redirect, restore_failed_form
from platforms import rules_for
from tweets import notices
from tweets import services as tweet_services
from tweets.forms import GenerateForm
from tweets.images import remove_gallery_image
from tweets.models import GenerationJob
from tweets.services import generate_for_group, request_generation


@login_required
@require_GET
def dashboard(request):
    now = timezone.now()
    bots, group = groups.filter_by_group(
        Bot.objects.visible_to(request.user), request.user, request.GET.get("group")
    )
    page = Paginator(stats.bot_rows(bots), stats.BOTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = stats.counts_by_bot([bot.pk for bot in page], now)
    slots = stats.next_slots_by_bot(list(page))
    figures = stats.budget_figures(page.object_list, now)
    for bot in page:
        bot.counts = counts[bot.pk]
        bot.next_slot = slots.get(bot.pk)
        bot.figures = figures[bot.pk]
    context = {
        "page": page,
        "group": group,
        "groups": BotGroup.objects.visible_to(request.user),
        "out_of_credit": [bot for bot in page if bot.out_of_credit_reason],
        "chart": stats.chart_bars(
            stats.posts_per_day(None if request.user.is_superuser and not group else bots, now)
        ),
        "health": read_health(),
        **x_rules.dashboard_context(page.object_list),
    }
    return render(request, "bots/dashboard.html", context)


@login_required
@require_GET
def bot_detail(request, pk):
    bot = bot_for_user(request.user, pk)
    return render(request, "bots/bot_detail.html", _detail_context(request, bot))


@login_required
@require_POST
def bot_settings(request, pk):
    bot = bot_for_user(request.user, pk)
    form = BotSettingsForm(request.POST, instance=bot)
    if not form.is_valid():
        return failed_on_bot_page(
            request, bot, form, key="settings", title="The settings were not saved"
        )
    replaced = services.save_bot_settings(
        bot, credentials=form.credential_values(), by=request.user
    )
    if replaced:
        where = network_name(bot.platform)
        messages.success(request, f"Settings saved. Checking the new credentials with {where} now.")
    else:
        messages.success(request, "Settings saved.")
    return redirect("bots:detail", bot.pk)


@login_required
@require_POST
def pause(request, pk):
    bot = bot_for_user(request.user, pk)
    services.pause_bot(bot, by=request.user)
    messages.success(request, f"{bot.name} is paused: nothing is posted until you resume it.")
    return redirect("bots:detail", bot.pk)


@login_required
@require_POST
def resume(request, pk):
    bot = bot_for_user(request.user, pk)
    services.resume_bot(bot, by=request.user)
    messages.success(request, f"{bot.name} is active again.")
    return redirect("bots:detail", bot.pk)


@login_required
@require_POST
def resume_posting(request, pk):
    bot = bot_for_user(request.user, pk)
    tweet_services.resume_posting(bot, by=request.user)
    messages.success(request, f"{bot.name} posts again; queued tweets go out in order.")
    return redirect("bots:detail", bot.pk)


@login_required
@require_POST
def verify(request, pk):
    bot = bot_for_user(request.user, pk)
    outcome = services.verify_bot(bot, by=request.user)
    level = messages.SUCCESS if outcome.ok else messages.ERROR
    messages.add_message(request, level, outcome.message)
    return redirect("bots:detail", bot.pk)


@login_required
@require_POST
def generate(request, pk):
    bot = bot_for_user(request.user, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid() and request.htmx:
        context = {"form": form, "title": "No drafts asked for"}
        return render(request, "includes/form_errors.html", context)
    if not form.is_valid():
        return failed_on_bot_page(request, bot, form, key="generate", title="No drafts asked for")
    job = request_generation(
        bot, count=form.cleaned_data["count"], seed=form.cleaned_data["seed"], by=request.user
    )
    if request.htmx:
        return render(request, "bots/includes/generation_job.html", {"job": job, "bot": bot})
    messages.success(request, "Writing drafts on the worker; they appear below when ready.")
    return redirect("bots:detail", bot.pk)


@login_required
@require_GET
def generation_job(request, pk, job_pk):
    bot = bot_for_user(request.user, pk)
    job = get_object_or_404(GenerationJob, pk=job_pk, bot=bot)
    context = {"job": job, "bot": bot, "drafts": job.drafts.order_by("pk")}
    return render(request, "bots/includes/generation_job.html", context)


@login_required
@require_POST
def schedule(request, pk):
    bot = bot_for_user(request.user, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return failed_on_bot_page(
            request, bot, form, key="schedule", title="The schedule was not saved"
        )
    saved = save_schedule(bot, by=request.user, **form.schedule_fields())
    messages.success(request, f"Schedule saved: {describe(saved)}.")
    return redirect("bots:detail", bot.pk)


@login_required
@require_POST
def listener(request, pk):
    bot = bot_for_user(request.user, pk)
    form = ListenerForm(request.POST, instance=Listener.objects.filter(bot=bot).first(), bot=bot)
    if not form.is_valid():
        return failed_on_bot_page(
            request, bot, form, key="listening", title="Listening was not saved"
        )
    save_listener(bot, by=request.user, **form.listener_fields())
    messages.success(request, "Listening settings saved.")
    return redirect("bots:detail", bot.pk)


def failed_on_bot_page(request, bot, form, *, key: str, title: str):
    """Back to the bot page at the form's section, the form kept with its errors, so the
    banner is in the first screen and a reload is a GET (pages.failed_forms)."""
    to = bot.get_absolute_url()
    return failed_form_redirect(request, form, to=to, key=key, title=title, anchor=key)


def _current_jobs(bot, links) -> list:
    """The bot's latest generation jobs, less the failures its corpora changed since (a
    "no ready corpus" is not true any more once one is linked and built)."""
    changes = [link.updated_at for link in links]
    changes += [link.corpus.built_at for link in links if link.corpus.built_at]
    changed = max(changes, default=None)
    jobs = bot.generation_jobs.order_by("-created_at")[:3]
    return [job for job in jobs if not (job.has_failed() and changed and job.created_at < changed)]


def _detail_context(request, bot) -> dict:
    links = BotCorpus.objects.filter(bot=bot).select_related("corpus").order_by("-weight")
    bot_schedule = Schedule.objects.filter(bot=bot).first()
    bot_listener = Listener.objects.filter(bot=bot).first()
    restored = {
        "form": restore_failed_form(request, BotSettingsForm, key="settings", instance=bot),
        "schedule_form": restore_failed_form(request, ScheduleForm, key="schedule"),
        "listener_form": restore_failed_form(
            request, ListenerForm, key="listening", instance=bot_listener, bot=bot
        ),
        "generate_form": restore_failed_form(request, GenerateForm, key="generate"),
    }
    return {
        "bot": bot,
        "figures": stats.budget_figures([bot], timezone.now())[bot.pk],
        "spend_by_kind": spend.spend_by_kind(bot, timezone.now()),
        "form": restored["form"] or BotSettingsForm(instance=bot),
        "schedule": bot_schedule,
        "schedule_summary": describe(bot_schedule) if bot_schedule else "",
        "next_slot": bot_schedule.next_run_at if bot_schedule else None,
        "schedule_form": restored["schedule_form"] or ScheduleForm.for_schedule(bot_schedule),
        "listener": bot_listener,
        "listener_form": restored["listener_form"] or ListenerForm(instance=bot_listener, bot=bot),
        "mentions": bot.mentions.select_related("reply")[:10],
        "activity": {"entries": bot.activity.select_related("bot", "tweet", "corpus")[:10]},
        "generate_form": restored["generate_form"] or GenerateForm(),
        "corpus_links": links,
        "jobs": _current_jobs(bot, links),
        "recent": bot.tweets.order_by("-pk")[:10],
        "owners": bot.owners.order_by("username"),
        "share_form": CoOwnerForm(bot=bot),
        "notified": notices.owner_is_notified(bot, request.user),
        **x_rules.bot_page_context(
            bot,
            do_not_reply_form=restore_failed_form(request, DoNotReplyForm, key="do-not-reply"),
            checklist_form=restore_failed_form(request, ChecklistForm, key="x-checklist"),
        ),
    }


@login_required
@require_GET
def gallery(request, pk):
    bot = bot_for_user(request.user, pk)
    return render(request, "bots/botimage_list.html", _gallery_context(bot, GalleryUploadForm()))


@csrf_exempt  # the upload limit must be in place before CSRF reads the body
@login_required
@require_POST
def gallery_upload(request, pk):
    limit = limit_uploads(request, settings.GALLERY_MAX_UPLOAD_BYTES)
    return _gallery_upload(request, pk, limit)


@csrf_protect
def _gallery_upload(request, pk, limit):
    """Each file gets its own result line: as messages after a redirect for the plain form,
    as a list of lines for the page's drag and drop (an htmx request)."""
    bot = bot_for_user(request.user, pk)
    form = GalleryUploadForm(request.POST, request.FILES, over_limit=limit.exceeded)
    if not form.is_valid():
        status = 413 if limit.exceeded else 400
        if request.htmx:
            lines = [(messages.ERROR, error) for error in form.errors.get("images", [])]
            return _upload_results(request, lines, status=status)
        return render(
            request, "bots/botimage_list.html", _gallery_context(bot, form), status=status
        )
    lines = []
    for upload in form.cleaned_data["images"]:
        try:
            added = add_gallery_image(bot, upload=upload, by=request.user)
        except ImageRejected as error:
            lines.append((messages.ERROR, str(error)))
        else:
            level = messages.SUCCESS if added.created else messages.INFO
            lines.append((level, f"{upload.name}: {added.message}"))
    if form.left_out:
        lines.append((messages.WARNING, form.left_out_message()))
    if request.htmx:
        return _upload_results(request, lines)
    for level, text in lines:
        messages.add_message(request, level, text)
    return redirect("bots:gallery", bot.pk)


def _upload_results(request, lines, *, status=200):
    tags = messages.DEFAULT_TAGS
    results = [{"tag": tags[level], "text": text} for level, text in lines]
    return render(request, "bots/includes/upload_results.html", {"results": results}, status=status)


@login_required
@require_POST
def image_alt_text(request, pk, image_pk):
    image = gallery_image_for_user(request.user, pk, image_pk)
    form = AltTextForm(request.POST)
    if form.is_valid():
        set_alt_text(image, text=form.cleaned_data["alt_text"], by=request.user)
    image.used_count = image.tweetimage_set.count()
    if request.htmx:
        context = {
            "image": image,
            "bot": image.bot,
            "alt_form": form,
            "rules": rules_for(image.bot),
            "saved": form.is_valid(),
        }
        return render(request, "bots/includes/gallery_image.html", context)
    if form.is_valid():
        messages.success(request, "Alt text saved.")
    else:
        messages.error(request, " ".join(form.errors.get("alt_text", [])))
    return redirect("bots:gallery", pk)


@login_required
@require_http_methods(["GET", "POST"])
def image_remove(request, pk, image_pk):
    image = gallery_image_for_user(request.user, pk, image_pk)
    if not is_confirmed(request):
        question = "Delete this image from the gallery? Posted tweets keep it."
        cancel = reverse("bots:gallery", args=[pk])
        return ask_first(request, question=question, action="Delete image", cancel_url=cancel)
    if remove_gallery_image(image, by=request.user):
        messages.success(request, "Image deleted.")
    else:
        messages.success(request, "Image removed from the gallery; posted tweets keep it.")
    return redirect("bots:gallery", pk)


def _gallery_context(bot, form) -> dict:
    images = bot.images.in_gallery().with_used_count().order_by("-created_at")
    return {"bot": bot, "form": form, "images": images, "rules": rules_for(bot)}


@login_required
@require_GET
def activity(request):
    form = ActivityFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    context = {
        "form": form,
        "page": activity_page(request.user, filters),
    }
    if request.htmx:
        return render(request, "bots/includes/activity_rows.html", context)
    return render(request, "bots/activity_list.html", context)


@login_required
@require_GET
def bot_suggestions(request):
    """The bot picker's suggestions for what the person typed (bots.picker)."""
    bots = suggest_bots(Bot.objects.visible_to(request.user), request.GET.get("bot", ""))
    return render(request, "bots/includes/bot_suggestions.html", {"bots": bots})


@login_required
def group_list(request):
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = groups.save_group(BotGroup(), by=request.user, **form.cleaned_data)
        messages.success(request, f"Group {group.name} created: add its bots below.")
        return redirect("bots:group", group.pk)
    if request.method == "POST":
        title = "The group was not created"
        to = reverse("bots:groups")
        return failed_form_redirect(
            request, form, to=to, key="group", title=title, anchor="new-group"
        )
    context = {
        "form": restore_failed_form(request, GroupForm, key="group", user=request.user) or form,
        "groups": BotGroup.objects.visible_to(request.user).annotate(size=Count("bots")),
    }
    return render(request, "bots/botgroup_list.html", context)


@login_required
def group_detail(request, pk):
    group = group_for_user(request.user, pk)
    form = GroupForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        groups.save_group(group, by=request.user, **form.cleaned_data)
        messages.success(request, f"Group {group.name} saved.")
        return redirect("bots:group", group.pk)
    if request.method == "POST":
        title, to = "The group was not saved", group.get_absolute_url()
        return failed_form_redirect(request, form, to=to, key="group", title=title, anchor="edit")
    initial = {"name": group.name, "monthly_budget_usd": group.monthly_budget_usd}
    members = groups.members_for(group, request.user)
    context = {
        "group": group,
        "form": restore_failed_form(request, GroupForm, key="group", user=request.user, group=group)
        or GroupForm(initial=initial, user=request.user, group=group),
        "add_form": restore_failed_form(request, GroupBotForm, key="group-bot", user=request.user)
        or GroupBotForm(user=request.user),
        "members": Paginator(members, groups.MEMBERS_PER_PAGE).get_page(request.GET.get("page")),
        "generate_form": GroupGenerateForm(),
    }
    return render(request, "bots/botgroup_detail.html", context)


@login_required
@require_POST
def group_add_bot(request, pk):
    group = group_for_user(request.user, pk)
    form = GroupBotForm(request.POST, user=request.user)
    if not form.is_valid():
        title, to = "No bot was added", group.get_absolute_url()
        return failed_form_redirect(
            request, form, to=to, key="group-bot", title=title, anchor="members"
        )
    bot = form.cleaned_data["bot"]
    if groups.add_to_group(group, bot):
        messages.success(request, f"{bot.name} is in {group.name} now.")
    else:
        messages.info(request, f"{bot.name} was in {group.name} already.")
    return redirect(f"{group.get_absolute_url()}#members")


@login_required
@require_POST
def group_remove_bot(request, pk, bot_pk):
    group = group_for_user(request.user, pk)
    bot = bot_for_user(request.user, bot_pk)
    groups.remove_from_group(group, bot)
    messages.success(request, f"{bot.name} left {group.name}; the bot is untouched.")
    return redirect(f"{group.get_absolute_url()}#members")


@login_required
@require_POST
def group_action(request, pk, action):
    group = group_for_user(request.user, pk)
    if action == "generate":
        form = GroupGenerateForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Ask for 1 to 20 drafts per bot.")
            return redirect("bots:group", group.pk)
        outcome = generate_for_group(group, by=request.user, **form.cleaned_data)
    elif action == "pause":
        outcome = groups.pause_group(group, by=request.user)
    else:
        outcome = groups.resume_group(group, by=request.user)
    messages.success(request, outcome.message)
    return redirect("bots:group", group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def group_delete(request, pk):
    group = group_for_user(request.user, pk)
    if not is_confirmed(request):
        question = f"Delete the group {group.name}? Its bots are untouched."
        cancel = group.get_absolute_url()
        return ask_first(request, question=question, action="Delete group", cancel_url=cancel)
    groups.delete_group(group)
    messages.success(request, f"Group {group.name} deleted; its bots are untouched.")
    return redirect("bots:groups")
