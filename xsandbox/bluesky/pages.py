"""The Bluesky sandbox's pages: posts the way Bluesky's app shows them (a feed, a profile with
its `bot` label, images with ALT), each person seeing only the accounts the project says
they may (`visible_user_ids`, by DID: xsandbox.urls.page_patterns)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from platforms.bluesky.handles import is_valid_handle
from xsandbox.bridge.accounts import bridge_state
from xsandbox.models import (
    MASTODON_ID_OFFSET,
    BlueskyAccount,
    BlueskyBlob,
    BlueskyRecord,
    pk_from,
)
from xsandbox.pages import PAGE_SIZE, VisibleUserIds

POST = "app.bsky.feed.post"


def visible_accounts(request, visible_user_ids: VisibleUserIds):
    """The accounts this person may see, and Bridgy Fed's accounts for the Mastodon sandbox
    accounts they may see (by their ids, which the same set holds)."""
    ids = visible_user_ids(request.user)
    accounts = BlueskyAccount.objects.order_by("handle")
    if ids is None:
        return accounts
    mastodon_pks = {pk_from(i, MASTODON_ID_OFFSET) for i in ids} - {None}
    return accounts.filter(Q(did__in=ids) | Q(bridge_of__pk__in=mastodon_pks))


def _feed(accounts, page_number):
    posts = (
        BlueskyRecord.objects.filter(collection=POST, account__in=accounts)
        .select_related("account", "bridged__status__account")
        .order_by("-pk")
    )
    page = Paginator(posts, PAGE_SIZE).get_page(page_number)
    page.object_list = [_shown(post) for post in page.object_list]
    return page


def _shown(post: BlueskyRecord) -> dict:
    """What the template shows of a post: its text, images (blob, alt), reply and rkey."""
    images = [
        {
            "cid": ((image.get("image") or {}).get("ref") or {}).get("$link", ""),
            "alt": image.get("alt", ""),
        }
        for image in (post.value.get("embed") or {}).get("images", [])
    ]
    parent = ((post.value.get("reply") or {}).get("parent") or {}).get("uri", "")
    return {
        "record": post,
        "text": post.value.get("text", ""),
        "images": images,
        "is_reply": bool(parent),
        "bridged": getattr(post, "bridged", None),
    }


@login_required
def timeline(request, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids)
    page = _feed(accounts, request.GET.get("page"))
    return render(request, "xsandbox/bluesky/timeline.html", {"page": page, "accounts": accounts})


@login_required
def profile(request, handle, *, visible_user_ids: VisibleUserIds):
    if not is_valid_handle(handle):
        raise Http404("No account could have that handle.")
    accounts = visible_accounts(request, visible_user_ids)
    owner = get_object_or_404(accounts, handle=handle.lower())
    page = _feed([owner], request.GET.get("page"))
    context = {"owner": owner, "page": page, "accounts": accounts, "bridge": bridge_state(owner)}
    return render(request, "xsandbox/bluesky/profile.html", context)


@login_required
def post(request, handle, rkey, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids)
    found = get_object_or_404(
        BlueskyRecord.objects.select_related("account"),
        account__in=accounts,
        account__handle=handle.lower(),
        collection=POST,
        rkey=rkey,
    )
    return render(request, "xsandbox/bluesky/post.html", {"post": _shown(found)})


@login_required
def blob(request, did, cid, *, visible_user_ids: VisibleUserIds):
    accounts = visible_accounts(request, visible_user_ids)
    found = get_object_or_404(BlueskyBlob, account__in=accounts, account__did=did, cid=cid)
    response = HttpResponse(bytes(found.data), content_type=found.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
