"""The sandbox's timeline pages: what its accounts posted, the way a profile page shows it.

Each person sees only the accounts the project says they may (`visible_user_ids`, given when
the pages are mounted: xsandbox.urls.page_patterns); any other account, post or image is a 404.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from platforms.x.handles import is_valid_handle
from xsandbox.models import POST_ID_OFFSET, Account, Media, Post, pk_from

PAGE_SIZE = 30

# A signed-in user -> the public user ids of the sandbox accounts they may see (None: all).
VisibleUserIds = Callable[[object], set[str] | None]


def visible_accounts(request, visible_user_ids: VisibleUserIds):
    """The sandbox accounts this person may see, by handle."""
    return Account.objects.with_user_ids(visible_user_ids(request.user)).order_by("handle")


def _posts(accounts):
    return (
        Post.objects.filter(deleted=False, account__in=accounts)
        .select_related("account", "in_reply_to__account")
        .prefetch_related("media")
        .order_by("-pk")
    )


@login_required
def timeline(request, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids)
    page = Paginator(_posts(accounts), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "xsandbox/timeline.html", {"page": page, "accounts": accounts})


@login_required
def account(request, handle, *, visible_user_ids: VisibleUserIds):
    if not is_valid_handle(handle):
        raise Http404("No account could have that handle.")
    accounts = visible_accounts(request, visible_user_ids)
    owner = get_object_or_404(accounts, handle__iexact=handle)
    page = Paginator(_posts([owner]), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"owner": owner, "page": page, "accounts": accounts}
    return render(request, "xsandbox/account.html", context)


@login_required
def post(request, post_id, *, visible_user_ids: VisibleUserIds):
    posts = _posts(visible_accounts(request, visible_user_ids))
    found = get_object_or_404(posts, pk=pk_from(post_id, POST_ID_OFFSET))
    return render(request, "xsandbox/post.html", {"post": found})


@login_required
def media_file(request, pk, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids)
    media = get_object_or_404(Media.objects.filter(account__in=accounts), pk=pk)
    try:
        response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    except FileNotFoundError:
        raise Http404("The image file is gone.") from None
    # Uploads are re-encoded pixels already; still, never let a browser read them as a page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
