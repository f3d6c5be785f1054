"""The X API v2 endpoints Aviary uses, answered as X answers them: same paths, same JSON
shapes, same errors, same headers. Every request is signed (xsandbox.oauth)."""

import json
import re
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from platforms.base import Call
from platforms.x.client import payer_of
from platforms.x.rules import RULES as X
from platforms.x.text import MAX_VALID_UNITS
from xsandbox import billing, faults, limits, problems
from xsandbox.images import NotAnImage, check_image
from xsandbox.models import (
    MAX_PK,
    MEDIA_ID_OFFSET,
    POST_ID_OFFSET,
    USER_ID_OFFSET,
    Account,
    Media,
    Post,
    pk_from,
)
from xsandbox.oauth import authenticate

MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
MEDIA_LIFETIME = timedelta(hours=24)
POST_FIELDS = {"created_at", "author_id", "conversation_id", "in_reply_to_user_id", "entities"}


def endpoint(name: str, *, methods: tuple[str, ...], write: bool = False):
    """Authenticate, apply the account's faults and rate limit, then answer with headers."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return problems.problem(405, "Method Not Allowed", f"Use {' or '.join(methods)}.")
            account = authenticate(request)
            if account is None:
                return problems.unauthorized()
            if fault := faults.injected_fault(account, write=write):
                return fault
            limit, remaining, reset, exceeded = limits.count_request(account, name)
            if exceeded:
                response = problems.too_many_requests(reset)
            else:
                response = view(request, account, *args, **kwargs)
            return limits.with_rate_headers(response, limit, remaining, reset)

        return wrapper

    return decorate


@endpoint("me", methods=("GET",))
def me(request, account):
    billing.read_resources(request, account, users=[account])
    user = _user(account)
    if "description" in request.GET.get("user.fields", "").split(","):
        user["description"] = account.description
    return JsonResponse({"data": user})


@endpoint("create_post", methods=("POST",), write=True)
def tweets(request, account):
    body = _json_object(request)
    if body is None:
        return problems.invalid("The request body must be a JSON object.", "body")
    for part in ("media", "reply"):
        if not isinstance(body.get(part) or {}, dict):
            return problems.invalid(f"`{part}` must be an object.", part)
    text = body.get("text") or ""
    media_ids = _member(body, "media", "media_ids") or []
    reply_to = _member(body, "reply", "in_reply_to_tweet_id") or ""
    if not isinstance(text, str):
        return problems.invalid("`text` must be a string.", "text")
    if not isinstance(media_ids, list) or not all(isinstance(m, str | int) for m in media_ids):
        return problems.invalid("`media.media_ids` must be a list of ids.", "media.media_ids")
    if not isinstance(reply_to, str | int):
        return problems.invalid("`reply.in_reply_to_tweet_id` must be an id.", "reply")
    media_ids, reply_to = [str(m) for m in media_ids], str(reply_to)
    if refusal := _refusal(account, text, media_ids, reply_to):
        return refusal
    daily, full = limits.daily_posts(account)
    if full:
        response = problems.too_many_requests(int(daily["x-user-limit-24hour-reset"]))
    else:
        post = _store(account, text, media_ids, reply_to)
        billing.bill(
            request, account, X.post_call(text, reply=bool(reply_to)), [f"post:{post.post_id}"]
        )
        faults.stall_if_asked(account)
        data = {"id": post.post_id, "text": post.text, "edit_history_tweet_ids": [post.post_id]}
        response = JsonResponse({"data": data}, status=201)
    for header, value in daily.items():
        response[header] = value
    return response


@endpoint("delete_post", methods=("DELETE",), write=True)
def tweet(request, account, post_id):
    post = Post.objects.filter(pk=pk_from(post_id, POST_ID_OFFSET), deleted=False).first()
    if post is None:
        return problems.not_found("tweet", post_id)
    if post.account_id != account.pk:
        return problems.problem(403, "Forbidden", "You are not authorized to delete this Tweet.")
    Post.objects.filter(pk=post.pk).update(deleted=True)
    return JsonResponse({"data": {"deleted": True}})


@endpoint("user_posts", methods=("GET",))
def user_posts(request, account, user_id):
    owner = _account_by_user_id(user_id)
    if owner is None:
        return problems.not_found("user", user_id)
    return _timeline(request, account, Post.objects.filter(account=owner))


@endpoint("mentions", methods=("GET",))
def mentions(request, account, user_id):
    owner = _account_by_user_id(user_id)
    if owner is None:
        return problems.not_found("user", user_id)
    return _timeline(request, account, Post.objects.filter(mentioned=owner))


@endpoint("media_upload", methods=("POST",), write=True)
def media_upload(request, account):
    upload = request.FILES.get("media")
    if upload is None:
        return problems.invalid("Send the image as the multipart field `media`.", "media")
    category = request.POST.get("media_category", "tweet_image")
    if category != "tweet_image":
        return problems.invalid(
            "Only media_category=tweet_image is supported.", "media_category", category
        )
    if upload.size > X.max_image_bytes:
        return problems.invalid(f"Images must be at most {_megabytes(X.max_image_bytes)}.", "media")
    try:
        image = check_image(upload.read())
    except NotAnImage as error:
        return problems.invalid(str(error), "media")
    media = Media(
        account=account,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size=upload.size,
        expires_at=timezone.now() + MEDIA_LIFETIME,
    )
    # A generated name: nothing of the uploader's file name reaches a path.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    media.file.save(f"{account.pk}-{stamp}.{image.format.lower()}", ContentFile(image.data))
    data = {
        "id": media.media_id,
        "media_key": media.media_key,
        "expires_after_secs": int(MEDIA_LIFETIME.total_seconds()),
        "size": media.size,
        "image": {"image_type": media.content_type, "w": media.width, "h": media.height},
    }
    return JsonResponse({"data": data})


@endpoint("media_metadata", methods=("POST",), write=True)
def media_metadata(request, account):
    try:
        body = _json_object(request)
        media_id = str(body["id"])
        alt_text = body["metadata"]["alt_text"]["text"]
    except (KeyError, TypeError):
        alt_text = None
    if not isinstance(alt_text, str):
        return problems.invalid("Send {id, metadata: {alt_text: {text}}}.", "metadata")
    if not _storable(alt_text):
        return problems.invalid("The alt text holds characters X does not allow.", "metadata")
    if len(alt_text) > X.max_alt_text:
        return problems.invalid(
            f"Alt text is at most {X.max_alt_text:,} characters.", "metadata.alt_text"
        )
    media = _own_media(account, [media_id])
    if not media:
        return problems.invalid(f"Unknown media id: {media_id}.", "id", media_id)
    Media.objects.filter(pk=media[0].pk).update(alt_text=alt_text)
    billing.bill(request, account, Call.MEDIA_METADATA, [f"media:{media_id}"])
    return JsonResponse({"data": {"id": media_id, "associated_metadata": True}})


def _json_object(request) -> dict | None:
    """The request's JSON object, or None for anything else: not UTF-8, not JSON, nested
    past what the parser can follow, or not an object."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _storable(text: str) -> bool:
    """Whether a text can be kept as it is: no NUL, no lone surrogate (JSON lets both in)."""
    return "\x00" not in text and not _SURROGATE.search(text)


def _member(body: dict, name: str, field: str):
    part = body.get(name)
    return part.get(field) if isinstance(part, dict) else None


def _refusal(account, text, media_ids, reply_to):
    """X's refusal of this post, or None: empty, too long, bad media, gone parent, duplicate."""
    if not text.strip() and not media_ids:
        return problems.invalid("A post needs text or media.", "text")
    if not _storable(text):
        return problems.invalid("The text holds characters X does not allow.", "text")
    if len(text) > MAX_VALID_UNITS:
        # Refused as X refuses it, before anything counts it.
        return problems.invalid(f"The text is too long; the limit is {X.max_length}.", "text")
    if text and not X.is_valid(text):
        length = X.weighted_length(text)
        if length <= X.max_length:
            return problems.invalid("The text holds characters X does not allow.", "text")
        return problems.invalid(
            f"The text is {length} characters; the limit is {X.max_length}.", "text"
        )
    if len(media_ids) > X.max_images:
        return problems.invalid(
            f"At most {X.max_images} images may be attached to a post.", "media.media_ids"
        )
    if len(_own_media(account, media_ids)) != len(set(media_ids)):
        return problems.invalid("Your media IDs are invalid.", "media.media_ids")
    parent = _parent(reply_to) if reply_to else None
    if reply_to and parent is None:
        return problems.problem(
            403,
            "Forbidden",
            "You attempted to reply to a Tweet that is deleted or not visible to you.",
        )
    if parent is not None and not _may_reply(account, parent):
        return problems.reply_not_allowed()
    since = timezone.now() - timedelta(hours=settings.XSANDBOX_DUPLICATE_WINDOW_HOURS)
    if text and account.posts.filter(text=text, deleted=False, created_at__gte=since).exists():
        return problems.duplicate()
    return None


@transaction.atomic
def _store(account, text, media_ids, reply_to) -> Post:
    """The post, its media, and who it mentions: the handles it names and, for a reply,
    the author of the post it answers (as on X, a reply shows in their mentions)."""
    parent = _parent(reply_to) if reply_to else None
    root = (parent.conversation_root or parent) if parent else None
    post = Post.objects.create(
        account=account, text=text, in_reply_to=parent, conversation_root=root
    )
    post.media.set(_own_media(account, media_ids))
    handles = {handle.lower() for handle in MENTION_RE.findall(text)}
    mentioned = list(Account.objects.annotate(lower=Lower("handle")).filter(lower__in=handles))
    if parent:
        mentioned.append(parent.account)
    post.mentioned.set({other for other in mentioned if other.pk != account.pk})
    return post


def _may_reply(account, parent: Post) -> bool:
    """X's rule since 23 February 2026: an API reply only to one's own post or to a post
    whose author mentioned the account in it (quotes, which the sandbox lacks, count too)."""
    return parent.account_id == account.pk or parent.mentioned.filter(pk=account.pk).exists()


def _parent(post_id: str) -> Post | None:
    pk = pk_from(post_id, POST_ID_OFFSET)
    return Post.objects.select_related("account").filter(pk=pk, deleted=False).first()


def _own_media(account, media_ids) -> list[Media]:
    pks = [pk_from(media_id, MEDIA_ID_OFFSET) for media_id in media_ids]
    return list(Media.objects.filter(account=account, pk__in=pks, expires_at__gt=timezone.now()))


def _account_by_user_id(user_id: str) -> Account | None:
    return Account.objects.filter(pk=pk_from(user_id, USER_ID_OFFSET)).first()


@endpoint("usage", methods=("GET",))
def usage_tweets(request, account):
    """X's GET /2/usage/tweets: the posts the signing app read each day (`days`, 1 to 90,
    default 7), as billed."""
    days = request.GET.get("days", "7")
    if not (days.isascii() and days.isdigit() and 1 <= int(days) <= 90):
        return problems.invalid(
            f"The `days` query parameter value [{days[:40]}] is not between 1 and 90", "days"
        )
    payer = payer_of(request.sandbox_consumer_key)
    return JsonResponse(billing.usage(payer, days=int(days), today=timezone.now().date()))


def _timeline(request, account, posts):
    """A page of posts, newest first, with X's query parameters and meta fields, billed to
    the reader; a value X would refuse is a 400 naming it."""
    size = request.GET.get("max_results", "10")
    if not (size.isascii() and size.isdigit() and 5 <= int(size) <= 100):
        return problems.invalid(
            f"The `max_results` query parameter value [{size[:40]}] is not between 5 and 100",
            "max_results",
            size[:40],
        )
    size = int(size)
    posts = (
        posts.filter(deleted=False)
        .select_related("account", "in_reply_to__account")
        .prefetch_related("mentioned")
    )
    # The next_token is the id of the last post on the page, so it bounds like until_id.
    for name, lookup in (
        ("since_id", "pk__gt"),
        ("until_id", "pk__lt"),
        ("pagination_token", "pk__lt"),
    ):
        if value := request.GET.get(name):
            pk = _pk_bound(value)
            if pk is None:
                return problems.invalid(
                    f"The `{name}` query parameter value [{value[:40]}] is not valid", name
                )
            posts = posts.filter(**{lookup: pk})
    if start := request.GET.get("start_time"):
        since = _instant(start)
        if since is None:
            return problems.invalid(
                f"The `start_time` query parameter value [{start[:40]}] is not a valid time",
                "start_time",
            )
        posts = posts.filter(created_at__gte=since)
    page = list(posts.order_by("-pk")[: size + 1])
    more, page = len(page) > size, page[:size]
    fields = set(request.GET.get("tweet.fields", "").split(",")) & POST_FIELDS
    body = {"meta": {"result_count": len(page)}}
    authors = {}
    if page:
        body["data"] = [_post(post, fields) for post in page]
        body["meta"].update(newest_id=page[0].post_id, oldest_id=page[-1].post_id)
        if "author_id" in request.GET.get("expansions", "").split(","):
            authors = {post.account.pk: post.account for post in page}
            body["includes"] = {"users": [_user(author) for author in authors.values()]}
    billing.read_resources(request, account, posts=page, users=list(authors.values()))
    if more:
        body["meta"]["next_token"] = page[-1].post_id
    return JsonResponse(body)


def _pk_bound(post_id: str) -> int | None:
    """The row id a post id bounds a timeline at (ids below ours bound at 0), or None when
    it is no id at all."""
    if not (post_id.isascii() and post_id.isdigit()) or len(post_id) > 20:
        return None
    return min(max(int(post_id) - POST_ID_OFFSET, 0), MAX_PK)


def _instant(value: str) -> datetime | None:
    """An RFC 3339 time as X takes it (YYYY-MM-DDTHH:mm:ssZ), or None."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _post(post: Post, fields: set) -> dict:
    item = {"id": post.post_id, "text": post.text, "edit_history_tweet_ids": [post.post_id]}
    if "created_at" in fields:
        item["created_at"] = post.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if "author_id" in fields:
        item["author_id"] = post.account.user_id
    if "conversation_id" in fields:
        item["conversation_id"] = post.conversation_id
    if "in_reply_to_user_id" in fields and post.in_reply_to_id:
        item["in_reply_to_user_id"] = post.in_reply_to.account.user_id
    if "entities" in fields and (mentioned := list(post.mentioned.all())):
        item["entities"] = {
            "mentions": [{"username": other.handle, "id": other.user_id} for other in mentioned]
        }
    return item


def _user(account: Account) -> dict:
    return {
        "id": account.user_id,
        "name": account.name or account.handle,
        "username": account.handle,
    }


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"
