"""The Mastodon sandbox's pages, laid out like Mastodon's web: the local timeline, an
account's profile, one status, and media files; each person sees only their own accounts
(`visible_user_ids`, as for the X sandbox's pages)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from xsandbox.bridge.accounts import bridge_state
from xsandbox.mastodon.oauth import visible_accounts
from xsandbox.models import MASTODON_ID_OFFSET, MastodonMedia, MastodonStatus, pk_from
from xsandbox.pages import VisibleUserIds

PAGE_SIZE = 30


def _address(acct: str) -> dict:
    """The lookup of an account by the address in its page's path: user or user@domain."""
    username, _, domain = acct.partition("@")
    return {"username__iexact": username, "domain__iexact": domain}


def _statuses(accounts):
    return (
        MastodonStatus.objects.filter(account__in=accounts)
        .select_related("account", "in_reply_to__account", "bridged")
        .prefetch_related("media")
        .order_by("-pk")
    )


@login_required
def timeline(request, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids, mirrors=True)
    page = Paginator(_statuses(accounts), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "accounts": accounts, "owner": None}
    return render(request, "xsandbox/mastodon/timeline.html", context)


@login_required
def account(request, username, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids, mirrors=True)
    owner = get_object_or_404(accounts, **_address(username))
    page = Paginator(_statuses([owner]), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "accounts": accounts,
        "owner": owner,
        "bridge": bridge_state(owner),
    }
    return render(request, "xsandbox/mastodon/timeline.html", context)


@login_required
def status(request, username, status_id, *, visible_user_ids: VisibleUserIds):
    statuses = _statuses(visible_accounts(request, visible_user_ids, mirrors=True))
    lookup = {f"account__{name}": value for name, value in _address(username).items()}
    found = get_object_or_404(statuses, pk=pk_from(status_id, MASTODON_ID_OFFSET), **lookup)
    return render(request, "xsandbox/mastodon/status.html", {"status": found})


@login_required
def media_file(request, pk, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids)
    media = get_object_or_404(MastodonMedia.objects.filter(account__in=accounts), pk=pk)
    try:
        response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    except FileNotFoundError:
        raise Http404("The image file is gone.") from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
