"""Opting an account in or out of the sandbox's bridge from its page: what following (or
blocking) Bridgy Fed's account does on the real networks."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from xsandbox.bluesky.pages import visible_accounts as visible_bluesky_accounts
from xsandbox.bridge import accounts
from xsandbox.mastodon.oauth import visible_accounts as visible_mastodon_accounts
from xsandbox.pages import VisibleUserIds


@login_required
@require_POST
def mastodon(request, username, *, visible_user_ids: VisibleUserIds):
    """Follow (bridged=on) or block @bsky.brid.gy@bsky.brid.gy for one's local account."""
    account = get_object_or_404(
        visible_mastodon_accounts(request, visible_user_ids), username__iexact=username
    )
    host = request.get_host().split(":")[0]
    accounts.set_mastodon_bridged(account, request.POST.get("bridged") == "on", host=host)
    return redirect(account)


@login_required
@require_POST
def bluesky(request, handle, *, visible_user_ids: VisibleUserIds):
    """Follow (bridged=on) or block @ap.brid.gy for one's Bluesky account."""
    account = get_object_or_404(
        visible_bluesky_accounts(request, visible_user_ids).filter(bridge_of=None),
        handle=handle.lower(),
    )
    accounts.set_bluesky_bridged(account, request.POST.get("bridged") == "on")
    return redirect(account)
