"""The bot page's actions on X's rules: the checklist, and adding to or taking off the
flock's do-not-reply list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from bots.access import bot_for_user
from bots.checklist import save_checklist
from bots.do_not_reply import add_to_do_not_reply, listed, remove_from_do_not_reply
from dashboard.forms import ChecklistForm, DoNotReplyForm
from dashboard.views import failed_on_bot_page


@login_required
@require_POST
def checklist(request, pk):
    bot = bot_for_user(request.user, pk)
    form = ChecklistForm(request.POST)
    if not form.is_valid():
        return failed_on_bot_page(
            request, bot, form, key="x-checklist", title="X's checklist was not saved"
        )
    save_checklist(bot, by=request.user, **form.cleaned_data)
    messages.success(request, "X's checklist saved.")
    return redirect(f"{bot.get_absolute_url()}#x-checklist")


@login_required
@require_POST
def do_not_reply_add(request, pk):
    bot = bot_for_user(request.user, pk)
    form = DoNotReplyForm(request.POST)
    if not form.is_valid():
        return failed_on_bot_page(
            request, bot, form, key="do-not-reply", title="Nobody was added to the list"
        )
    handle = form.cleaned_data["handle"]
    _, added = add_to_do_not_reply(
        bot.network,
        handle=handle,
        reason=form.cleaned_data["reason"] or f"added by {request.user.get_username()}",
        by=request.user,
        bot=bot,
    )
    if added:
        messages.success(request, f"@{handle} is on the do-not-reply list: no bot replies.")
    else:
        messages.info(request, f"@{handle} was on the do-not-reply list already.")
    return redirect(f"{bot.get_absolute_url()}#do-not-reply")


@login_required
@require_POST
def do_not_reply_remove(request, pk, entry_pk):
    bot = bot_for_user(request.user, pk)
    entry = get_object_or_404(listed(bot.network), pk=entry_pk)
    remove_from_do_not_reply(entry, by=request.user, bot=bot)
    messages.success(request, f"@{entry.handle} is off the do-not-reply list.")
    return redirect(f"{bot.get_absolute_url()}#do-not-reply")
