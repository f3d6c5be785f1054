"""The XRPC methods of a Bluesky PDS that Aviary uses, answered as the PDS (and the AppView
behind it) answers them: same paths under /xrpc/, same JSON, same errors and RateLimit-*
headers. Every method but resolveHandle and getRecord needs the session's access token."""

import re
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from platforms.bluesky import keys
from platforms.bluesky import text as bluesky_text
from platforms.bluesky.rules import MAX_ALT_TEXT, MAX_IMAGE_BYTES, MAX_IMAGES
from xsandbox import bridge, faults
from xsandbox.bluesky import errors, records, sessions, tokens
from xsandbox.images import NotAnImage, check_image
from xsandbox.models import (
    BlueskyAccount,
    BlueskyBlob,
    BlueskyRateWindow,
    BlueskyRecord,
)

POST = records.POST
PROFILE = "app.bsky.actor.profile"
WINDOW_SECONDS = 5 * 60
# The PDS's limits: requests per account in 5 minutes, and createSession's two windows.
REQUEST_LIMIT = 3000
RECORD_KEY = re.compile(r"^[A-Za-z0-9.\-_:~]{1,512}$")
PAGE_MAX = 100


def xrpc(name: str, *, method: str, write: bool = False, auth: bool = True):
    """Check the method and the access token, apply the account's faults and rate limit,
    then answer with the RateLimit-* headers."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request):
            if request.method != method:
                return errors.invalid(f"Use {method} for {name}.")
            account = None
            if auth or request.headers.get("Authorization"):
                account = sessions.bearer(request, tokens.ACCESS)
                if not isinstance(account, BlueskyAccount):
                    return account
                if fault := faults.injected_fault(account, write=write, answers=errors):
                    return fault
                limit, remaining, reset, over = _count(account, "requests", REQUEST_LIMIT)
                if over:
                    return errors.rate_limited(limit, reset, WINDOW_SECONDS)
            response = view(request, account)
            if account is not None:
                errors.with_rate_headers(response, limit, remaining, reset, WINDOW_SECONDS)
            return response

        return wrapper

    return decorate


# Sessions ----------------------------------------------------------------------------------


@xrpc("com.atproto.server.getSession", method="GET")
def get_session(request, account):
    return JsonResponse(
        {
            "handle": account.handle,
            "did": account.did,
            "didDoc": sessions.did_doc(request, account),
            "active": True,
        }
    )


# Repo --------------------------------------------------------------------------------------


@xrpc("com.atproto.repo.createRecord", method="POST", write=True)
def create_record(request, account):
    body = sessions.json_body(request)
    collection = str(body.get("collection") or "")
    record = body.get("record")
    if body.get("repo") not in (account.did, account.handle):
        return errors.invalid("Invalid repo: the session may only write its own")
    if not isinstance(record, dict) or collection != POST:
        return errors.invalid(f"The sandbox's PDS takes only {POST} records here")
    rkey = str(body.get("rkey") or keys.record_key(""))
    if not keys.is_tid(rkey):
        return errors.invalid(f"Invalid record key for {POST}: must be a TID")
    if problem := _post_problem(account, record):
        return errors.invalid(f"Invalid app.bsky.feed.post record: {problem}")
    try:
        with transaction.atomic():
            made = records.store_post(account, record, rkey=rkey)
            bridge.bridge_record(made)
    except IntegrityError:
        # What the PDS answers for a taken rkey today (bluesky-social/atproto#3718).
        return errors.xrpc_error(500, "InternalServerError", "Internal Server Error")
    faults.stall_if_asked(account)
    return JsonResponse(
        {
            "uri": made.uri,
            "cid": made.cid,
            "commit": {"cid": records.cid({"commit": made.pk}), "rev": keys.record_key("")},
            "validationStatus": "valid",
        }
    )


@xrpc("com.atproto.repo.putRecord", method="POST", write=True)
def put_record(request, account):
    """Only the profile record ("self"), which connecting labels `bot`."""
    body = sessions.json_body(request)
    record = body.get("record")
    if body.get("repo") not in (account.did, account.handle):
        return errors.invalid("Invalid repo: the session may only write its own")
    if (
        body.get("collection") != PROFILE
        or body.get("rkey") != "self"
        or not isinstance(record, dict)
    ):
        return errors.invalid(f"The sandbox's PDS takes only the {PROFILE} record 'self' here")
    swap = body.get("swapRecord")
    if swap is not None and swap != (account.profile_cid or None):
        return errors.xrpc_error(
            400, "InvalidSwap", "Record was at " + (account.profile_cid or "null")
        )
    labels = record.get("labels")
    if labels is not None and (
        not isinstance(labels, dict) or labels.get("$type") != "com.atproto.label.defs#selfLabels"
    ):
        return errors.invalid("labels must be com.atproto.label.defs#selfLabels")
    account.profile = records.json_value(record)
    account.profile_cid = records.cid(account.profile)
    if isinstance(record.get("displayName"), str):
        account.display_name = record["displayName"][:64]
    account.save(update_fields=["profile", "profile_cid", "display_name"])
    uri = f"at://{account.did}/{PROFILE}/self"
    return JsonResponse({"uri": uri, "cid": account.profile_cid, "validationStatus": "valid"})


@xrpc("com.atproto.repo.getRecord", method="GET", auth=False)
def get_record(request, account):
    repo = request.GET.get("repo", "")
    collection = request.GET.get("collection", "")
    rkey = request.GET.get("rkey", "")
    owner = BlueskyAccount.objects.filter(Q(did=repo) | Q(handle=repo.lower())).first()
    if owner is None:
        return errors.invalid(f"Could not find repo: {repo}")
    if collection == PROFILE and rkey == "self" and owner.profile_cid:
        uri = f"at://{owner.did}/{PROFILE}/self"
        return JsonResponse({"uri": uri, "cid": owner.profile_cid, "value": owner.profile})
    found = BlueskyRecord.objects.filter(account=owner, collection=collection, rkey=rkey).first()
    if found is None:
        return errors.xrpc_error(
            400, "RecordNotFound", f"Could not locate record: at://{owner.did}/{collection}/{rkey}"
        )
    return JsonResponse({"uri": found.uri, "cid": found.cid, "value": found.value})


@xrpc("com.atproto.repo.uploadBlob", method="POST", write=True)
def upload_blob(request, account):
    data = request.body
    if len(data) > MAX_IMAGE_BYTES:
        return errors.xrpc_error(
            400,
            "BlobTooLarge",
            f"This file is too large. It is {len(data)} bytes but the "
            f"maximum size is {MAX_IMAGE_BYTES} bytes.",
        )
    try:
        image = check_image(data)
    except NotAnImage as error:
        return errors.invalid(str(error))
    cid = records.cid(data, raw=True)
    BlueskyBlob.objects.get_or_create(
        account=account,
        cid=cid,
        defaults={
            "mime_type": image.content_type,
            "size": len(data),
            "width": image.width,
            "height": image.height,
            "data": image.data,
        },
    )
    blob = {
        "$type": "blob",
        "ref": {"$link": cid},
        "mimeType": image.content_type,
        "size": len(data),
    }
    return JsonResponse({"blob": blob})


@xrpc("com.atproto.identity.resolveHandle", method="GET", auth=False)
def resolve_handle(request, account):
    handle = request.GET.get("handle", "").lower()
    found = BlueskyAccount.objects.filter(handle=handle).values_list("did", flat=True).first()
    if found is None:
        return errors.invalid("Unable to resolve handle")
    return JsonResponse({"did": found})


# App view ----------------------------------------------------------------------------------


@xrpc("app.bsky.actor.getProfile", method="GET")
def get_profile(request, account):
    actor = request.GET.get("actor", "")
    found = BlueskyAccount.objects.filter(Q(did=actor) | Q(handle=actor.lower())).first()
    if found is None:
        return errors.invalid("Profile not found")
    return JsonResponse(
        {
            **_author(found),
            "description": found.profile.get("description", ""),
            "followersCount": 0,
            "followsCount": 0,
            "postsCount": found.records.filter(collection=POST).count(),
            "indexedAt": _iso(found.created_at),
        }
    )


@xrpc("app.bsky.notification.listNotifications", method="GET")
def list_notifications(request, account):
    limit, cursor = _paging(request)
    notifications = account.notifications.select_related("record__account").order_by("-pk")
    if cursor:
        notifications = notifications.filter(pk__lt=cursor)
    page = list(notifications[:limit])
    return JsonResponse(
        {
            "notifications": [
                {
                    "uri": item.record.uri,
                    "cid": item.record.cid,
                    "author": _author(item.record.account),
                    "reason": item.reason,
                    "record": item.record.value,
                    "isRead": False,
                    "indexedAt": _iso(item.created_at),
                    "labels": [],
                }
                for item in page
            ],
            **({"cursor": str(page[-1].pk)} if len(page) == limit else {}),
        }
    )


@xrpc("app.bsky.feed.getAuthorFeed", method="GET")
def get_author_feed(request, account):
    actor = request.GET.get("actor", "")
    owner = BlueskyAccount.objects.filter(Q(did=actor) | Q(handle=actor.lower())).first()
    if owner is None:
        return errors.invalid("Profile not found")
    limit, cursor = _paging(request)
    posts = owner.records.filter(collection=POST).order_by("-pk")
    if cursor:
        posts = posts.filter(pk__lt=cursor)
    page = list(posts[:limit])
    return JsonResponse(
        {
            "feed": [{"post": post_view(post)} for post in page],
            **({"cursor": str(page[-1].pk)} if len(page) == limit else {}),
        }
    )


def post_view(post: BlueskyRecord) -> dict:
    """app.bsky.feed.defs#postView of a stored post."""
    view = {
        "uri": post.uri,
        "cid": post.cid,
        "author": _author(post.account),
        "record": post.value,
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "quoteCount": 0,
        "indexedAt": _iso(post.created_at),
        "labels": [],
    }
    return view


# Within ------------------------------------------------------------------------------------


def _post_problem(account: BlueskyAccount, record: dict) -> str:
    """Why the record is not a valid post, as the PDS's lexicon validation words it."""
    text = record.get("text")
    if not isinstance(text, str):
        return "Record/text must be a string"
    if bluesky_text.grapheme_length(text) > bluesky_text.MAX_GRAPHEMES:
        return f"Record/text must not be longer than {bluesky_text.MAX_GRAPHEMES} graphemes"
    size = len(text.encode("utf-8"))
    if size > bluesky_text.MAX_BYTES:
        return f"Record/text must not be longer than {bluesky_text.MAX_BYTES} characters"
    if not isinstance(record.get("createdAt"), str):
        return 'Record must have the property "createdAt"'
    for number, facet in enumerate(record.get("facets") or []):
        index = facet.get("index") if isinstance(facet, dict) else None
        start = index.get("byteStart") if isinstance(index, dict) else None
        end = index.get("byteEnd") if isinstance(index, dict) else None
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size):
            return f"Record/facets/{number}/index must be a byte range inside the text"
    if reply := record.get("reply"):
        for part in ("root", "parent"):
            ref = reply.get(part) if isinstance(reply, dict) else None
            if not isinstance(ref, dict) or not _ref_exists(ref):
                return f"Record/reply/{part} must be a strong ref to an existing post"
    if embed := record.get("embed"):
        images = embed.get("images") if isinstance(embed, dict) else None
        if embed.get("$type") != "app.bsky.embed.images" or not isinstance(images, list):
            return "Record/embed must be app.bsky.embed.images"
        if not 1 <= len(images) <= MAX_IMAGES:
            return f"Record/embed/images must not have more than {MAX_IMAGES} elements"
        for number, image in enumerate(images):
            link = (
                ((image.get("image") or {}).get("ref") or {}).get("$link")
                if isinstance(image, dict)
                else None
            )
            if not account.blobs.filter(cid=link).exists():
                return f"Record/embed/images/{number}/image must be a blob uploaded by the account"
            alt = image.get("alt")
            if not isinstance(alt, str) or len(alt) > MAX_ALT_TEXT:
                return f"Record/embed/images/{number}/alt must be a string"
    return ""


def _ref_exists(ref: dict) -> bool:
    match = re.fullmatch(r"at://([^/]+)/([^/]+)/([^/]+)", str(ref.get("uri", "")))
    if not match:
        return False
    repo, collection, rkey = match.groups()
    return BlueskyRecord.objects.filter(
        account__did=repo, collection=collection, rkey=rkey, cid=ref.get("cid")
    ).exists()


def _count(account: BlueskyAccount, endpoint: str, limit: int) -> tuple[int, int, int, bool]:
    """Count one request in a window that opens with the first request after the last one
    closed, as the PDS's rate limiter's do."""
    window = BlueskyRateWindow.count_request(
        WINDOW_SECONDS, on_the_clock=False, account=account, endpoint=endpoint
    )
    reset = window.window_start + WINDOW_SECONDS
    return limit, max(limit - window.count, 0), reset, window.count > limit


def _paging(request) -> tuple[int, int | None]:
    try:
        limit = min(max(int(request.GET.get("limit", 50)), 1), PAGE_MAX)
    except ValueError:
        limit = 50
    cursor = request.GET.get("cursor", "")
    return limit, int(cursor) if cursor.isdigit() else None


def _author(account: BlueskyAccount) -> dict:
    return {
        "did": account.did,
        "handle": account.handle,
        "displayName": account.display_name,
        "labels": [
            {
                "src": account.did,
                "uri": f"at://{account.did}/{PROFILE}/self",
                "val": value,
                "cts": _iso(account.created_at),
            }
            for value in account.labels
        ],
    }


def _iso(moment) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
