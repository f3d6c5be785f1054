"""The Mastodon API endpoints Aviary uses, answered as a Mastodon 4.3 instance answers them:
same paths, same JSON entities, same errors and rate-limit headers. Every call but the app
registration and the instance's description needs a bearer token."""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from platforms.mastodon.rules import MAX_ALT_TEXT, MAX_IMAGES, URL_LENGTH, weighted_length
from xsandbox import bridge, faults
from xsandbox.images import MAX_BYTES as MAX_IMAGE_BYTES
from xsandbox.images import NotAnImage, check_image
from xsandbox.mastodon import entities, errors, limits
from xsandbox.mastodon.statuses import store_status
from xsandbox.models import (
    MASTODON_ID_OFFSET,
    MastodonAccount,
    MastodonMedia,
    MastodonNotification,
    MastodonStatus,
    MastodonToken,
    pk_from,
)

IDEMPOTENCY_WINDOW = timedelta(hours=1)
DEFAULT_PAGE, MAX_PAGE = 20, 40
MAX_NOTIFICATIONS_PAGE = 80
SUPPORTED_IMAGES = ["image/jpeg", "image/png", "image/gif", "image/webp"]


def endpoint(*, methods: tuple[str, ...], write: bool = False):
    """Check the bearer token, apply the account's faults and its rate limit, then answer
    with X-RateLimit-* headers."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return errors.error(405, "Method not allowed")
            token = _authenticate(request)
            if token is None:
                return errors.unauthorized()
            if not _in_scope(token.scopes, "write" if write else "read"):
                return errors.error(403, "This action is outside the authorized scopes")
            account = token.account
            if fault := faults.injected_fault(account, write=write, answers=errors):
                return fault
            limit, remaining, reset, exceeded = limits.count_request(account)
            if exceeded:
                response = errors.too_many_requests(reset)
            else:
                response = view(request, account, *args, **kwargs)
            return limits.with_rate_headers(response, limit, remaining, reset)

        return wrapper

    return decorate


def _authenticate(request) -> MastodonToken | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return MastodonToken.find(token.strip())


def _in_scope(scopes: str, needed: str) -> bool:
    """A scope covers its own granular ones (write covers write:statuses) and no others."""
    return any(scope == needed or needed.startswith(f"{scope}:") for scope in scopes.split())


@csrf_exempt
def instance(request):
    """GET /api/v2/instance: the instance and its configuration (no token needed)."""
    host = request.get_host().split(":")[0]
    return JsonResponse(
        {
            "domain": host,
            "title": "Mastodon sandbox",
            "version": "4.3.0",
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "Aviary's stand-in for a Mastodon instance. Nothing here federates.",
            "usage": {"users": {"active_month": MastodonAccount.objects.count()}},
            "thumbnail": {"url": ""},
            "languages": ["en"],
            "configuration": {
                "urls": {"streaming": ""},
                "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                "statuses": {
                    "max_characters": settings.XSANDBOX_MASTODON_MAX_CHARACTERS,
                    "max_media_attachments": MAX_IMAGES,
                    "characters_reserved_per_url": URL_LENGTH,
                },
                "media_attachments": {
                    "supported_mime_types": SUPPORTED_IMAGES,
                    "description_limit": MAX_ALT_TEXT,
                    "image_size_limit": MAX_IMAGE_BYTES,
                    "image_matrix_limit": 33177600,
                },
                "polls": {"max_options": 4, "max_characters_per_option": 50},
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "contact": {"email": "", "account": None},
            "rules": [],
        }
    )


@endpoint(methods=("GET",))
def verify_credentials(request, account):
    return JsonResponse(entities.account(request, account, credentials=True))


@endpoint(methods=("PATCH",), write=True)
def update_credentials(request, account):
    """PATCH /api/v1/accounts/update_credentials: the bot flag and the display name."""
    fields = _form(request)
    changes = {}
    if "bot" in fields:
        changes["bot"] = fields["bot"].strip().lower() in ("true", "1", "on")
    if "display_name" in fields:
        changes["display_name"] = fields["display_name"][:50]
    if changes:
        MastodonAccount.objects.filter(pk=account.pk).update(**changes)
        account.refresh_from_db()
    return JsonResponse(entities.account(request, account, credentials=True))


@endpoint(methods=("POST",), write=True)
def statuses(request, account):
    """POST /api/v1/statuses: a status, or with an Idempotency-Key seen in the last hour,
    the status first posted under it."""
    fields = request.POST
    text = fields.get("status", "")
    media_ids = fields.getlist("media_ids[]") or fields.getlist("media_ids")
    reply_to = fields.get("in_reply_to_id", "")
    key = request.headers.get("Idempotency-Key", "")[:200]
    with transaction.atomic():
        # One post per account at a time, so a key's first status is the one found.
        MastodonAccount.objects.select_for_update().filter(pk=account.pk).first()
        if key:
            earlier = MastodonStatus.objects.filter(
                account=account,
                idempotency_key=key,
                created_at__gte=timezone.now() - IDEMPOTENCY_WINDOW,
            ).first()
            if earlier is not None:
                return JsonResponse(entities.status(request, earlier))
        refusal, parent, media = _check_status(account, text, media_ids, reply_to)
        if refusal:
            return refusal
        host = request.get_host().split(":")[0]
        status = store_status(account, text, host=host, media=media, parent=parent, key=key)
        bridge.bridge_status(
            status, host=host, url=request.build_absolute_uri(status.get_absolute_url())
        )
    faults.stall_if_asked(account)
    return JsonResponse(entities.status(request, status))


def _check_status(account, text, media_ids, reply_to):
    limit = settings.XSANDBOX_MASTODON_MAX_CHARACTERS
    parent = None
    if reply_to:
        parent = _status(reply_to)
        if parent is None:
            return errors.not_found(), None, []
    if len(media_ids) > MAX_IMAGES:
        return errors.invalid(f"Media attachments are limited to {MAX_IMAGES}"), None, []
    media = list(
        MastodonMedia.objects.filter(
            account=account, pk__in=[pk_from(m, MASTODON_ID_OFFSET) for m in media_ids]
        )
    )
    if len(media) != len(set(media_ids)):
        return errors.invalid("Media attachments are not yours or do not exist"), None, []
    if any(item.ready_at > timezone.now() for item in media):
        return (
            errors.error(
                422, "Cannot attach files that have not finished processing. Try again in a moment!"
            ),
            None,
            [],
        )
    if not text.strip() and not media:
        return errors.invalid("Text can't be blank"), None, []
    if weighted_length(text) > limit:
        return errors.invalid(f"Text character limit of {limit} exceeded"), None, []
    return None, parent, media


@endpoint(methods=("GET",))
def status(request, account, status_id):
    found = _status(status_id)
    if found is None:
        return errors.not_found()
    return JsonResponse(entities.status(request, found))


@endpoint(methods=("GET",))
def context(request, account, status_id):
    """GET /api/v1/statuses/:id/context: the thread above it (oldest first) and below it."""
    found = _status(status_id)
    if found is None:
        return errors.not_found()
    ancestors, parent = [], found.in_reply_to
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.in_reply_to
    descendants = list(MastodonStatus.objects.filter(in_reply_to=found).order_by("pk"))
    return JsonResponse(
        {
            "ancestors": [entities.status(request, item) for item in ancestors],
            "descendants": [entities.status(request, item) for item in descendants],
        }
    )


@endpoint(methods=("POST",), write=True)
def media_upload(request, account):
    """POST /api/v2/media: 202 with no url while the image processes."""
    upload = request.FILES.get("file")
    if upload is None:
        return errors.invalid("File can't be blank")
    description = request.POST.get("description", "")
    if len(description) > MAX_ALT_TEXT:
        return errors.invalid(f"Description is too long (maximum is {MAX_ALT_TEXT} characters)")
    try:
        image = check_image(upload.read())
    except NotAnImage as refusal:
        return errors.invalid(f"File content type is invalid ({refusal})")
    ready_at = timezone.now() + timedelta(seconds=settings.XSANDBOX_MASTODON_PROCESSING_SECONDS)
    media = MastodonMedia(
        account=account,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        description=description,
        ready_at=ready_at,
    )
    media.file.save(f"{account.pk}.{image.format.lower()}", ContentFile(image.data), save=False)
    media.save()
    return JsonResponse(entities.media(request, media), status=202)


@endpoint(methods=("GET",))
def media_item(request, account, media_id):
    """GET /api/v1/media/:id: 206 while processing, 200 once its url is set."""
    media = MastodonMedia.objects.filter(
        account=account, pk=pk_from(media_id, MASTODON_ID_OFFSET)
    ).first()
    if media is None:
        return errors.not_found()
    ready = media.ready_at <= timezone.now()
    return JsonResponse(entities.media(request, media), status=200 if ready else 206)


@endpoint(methods=("GET",))
def notifications(request, account):
    """GET /api/v1/notifications, newest first, by types[], max_id, since_id, min_id."""
    types = request.GET.getlist("types[]") or request.GET.getlist("types")
    rows = MastodonNotification.objects.filter(account=account).select_related(
        "status__account", "status__in_reply_to__account"
    )
    if types:
        rows = rows.filter(type__in=types)
    page = _page(request, rows, max_size=MAX_NOTIFICATIONS_PAGE)
    return _listed(request, page, [entities.notification(request, row) for row in page])


@endpoint(methods=("GET",))
def account_statuses(request, account, account_id):
    owner = MastodonAccount.objects.filter(pk=pk_from(account_id, MASTODON_ID_OFFSET)).first()
    if owner is None:
        return errors.not_found()
    rows = MastodonStatus.objects.filter(account=owner).select_related("account")
    page = _page(request, rows, max_size=MAX_PAGE)
    return _listed(request, page, [entities.status(request, row) for row in page])


def _page(request, rows, *, max_size: int) -> list:
    """Mastodon's paging by id: max_id (older than), since_id (newer than, newest first),
    min_id (just newer than, oldest first, answered newest first)."""
    size = _size(request.GET.get("limit"), max_size)
    for name, lookup in (("max_id", "pk__lt"), ("since_id", "pk__gt"), ("min_id", "pk__gt")):
        value = request.GET.get(name)
        if value:
            pk = pk_from(value, MASTODON_ID_OFFSET)
            rows = rows.filter(**{lookup: pk if pk is not None else 0})
    if request.GET.get("min_id") and not request.GET.get("since_id"):
        return list(reversed(rows.order_by("pk")[:size]))
    return list(rows.order_by("-pk")[:size])


def _size(value, max_size: int) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PAGE
    return min(max(size, 1), max_size)


def _listed(request, page, body) -> JsonResponse:
    """The list, with the Link header Mastodon pages by."""
    response = JsonResponse(body, safe=False)
    if page:
        path = request.build_absolute_uri(request.path)
        newest, oldest = body[0]["id"], body[-1]["id"]
        response["Link"] = (
            f'<{path}?max_id={oldest}>; rel="next", <{path}?min_id={newest}>; rel="prev"'
        )
    return response


def _status(status_id) -> MastodonStatus | None:
    pk = pk_from(status_id, MASTODON_ID_OFFSET)
    return (
        MastodonStatus.objects.select_related("account", "in_reply_to__account")
        .filter(pk=pk)
        .first()
    )


def _form(request):
    """A PATCH's form fields (Django parses only POST's)."""
    if request.content_type == "multipart/form-data":
        data, _files = request.parse_file_upload(request.META, request)
        return data
    return QueryDict(request.body, encoding=request.encoding)
