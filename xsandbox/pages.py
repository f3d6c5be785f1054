"""The sandbox's timeline pages: what its accounts posted, the way a profile page shows it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from xsandbox.models import POST_ID_OFFSET, Account, Media, Post, pk_from

PAGE_SIZE = 30


def _posts():
    return (
        Post.objects.filter(deleted=False)
        .select_related("account", "in_reply_to__account")
        .prefetch_related("media")
        .order_by("-pk")
    )


@login_required
def timeline(request):
    page = Paginator(_posts(), PAGE_SIZE).get_page(request.GET.get("page"))
    accounts = Account.objects.order_by("handle")
    return render(request, "xsandbox/timeline.html", {"page": page, "accounts": accounts})


@login_required
def account(request, handle):
    owner = get_object_or_404(Account, handle__iexact=handle)
    page = Paginator(_posts().filter(account=owner), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"owner": owner, "page": page, "accounts": Account.objects.order_by("handle")}
    return render(request, "xsandbox/account.html", context)


@login_required
def post(request, post_id):
    found = get_object_or_404(_posts(), pk=pk_from(post_id, POST_ID_OFFSET))
    return render(request, "xsandbox/post.html", {"post": found})


@login_required
def media_file(request, pk):
    media = get_object_or_404(Media, pk=pk)
    try:
        response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    except FileNotFoundError:
        raise Http404("The image file is gone.") from None
    # Uploads are re-encoded pixels already; still, never let a browser read them as a page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
