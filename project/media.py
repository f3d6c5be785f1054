"""Serving uploaded gallery images (MEDIA_URL) in every profile, to the people who may see them.

WhiteNoise serves only static files, and Django's `static()` route only with DEBUG (and would
hand out every file under MEDIA_ROOT, compiled corpus models included). This view answers
only for a BotImage's image or thumbnail, only to someone who may see its bot (a 404 for
everything else), always with `X-Content-Type-Options: nosniff`. Behind nginx, set
MEDIA_ACCEL_REDIRECT to an `internal` location aliased to MEDIA_ROOT and nginx sends the bytes.
"""

import mimetypes

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from bots.access import bot_for_user
from bots.models import BotImage


@login_required
@require_GET
def serve_media(request, path):
    image = BotImage.objects.filter(Q(image=path) | Q(thumbnail=path)).first()
    if image is None:
        raise Http404("No such image.")
    bot_for_user(request.user, image.bot_id)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + path
    else:
        try:
            response = FileResponse(image.image.storage.open(path), content_type=content_type)
        except FileNotFoundError:
            raise Http404("The image's file is missing.") from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
