"""The gallery's state changes: adding, describing and retiring a bot's images. Views, the
admin and tests all go through these (tweets.images puts them on drafts)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.services import record_activity
from bots.images import ImageRejected, ProcessedImage, ingest_image
from bots.models import Bot, BotImage
from platforms import rules_for


@dataclass(frozen=True)
class Added:
    image: BotImage
    created: bool

    @property
    def message(self) -> str:
        if self.created:
            return "Image added to the gallery."
        return "That image is already in the gallery; kept the one there."


def read_upload(upload, *, max_bytes: int | None = None) -> ProcessedImage:
    """Check the size before reading anything into memory, then ingest the bytes."""
    max_bytes = max_bytes or settings.GALLERY_MAX_UPLOAD_BYTES
    name = upload.name or "upload"
    if upload.size is not None and upload.size > max_bytes:
        raise ImageRejected(
            f"“{name}” is {upload.size / 1048576:.1f} MB; files up to "
            f"{max_bytes / 1048576:.1f} MB are accepted."
        )
    upload.seek(0)
    return ingest_image(upload.read(), name=name, max_bytes=max_bytes)


def add_gallery_image(bot: Bot, *, upload, by=None) -> Added:
    """Ingest an upload and store it (image and thumbnail files, one BotImage row).

    The same picture twice in one bot's gallery is found by the hash of the processed file:
    the existing row is returned (and brought back if it had been removed). Raises
    ImageRejected, with nothing stored, for anything bots.images refuses.
    """
    processed = read_upload(upload)
    added = store_processed(bot, processed)
    if added.created:
        record_activity(
            "image.added",
            message=f"Added {upload.name or 'an image'} to the gallery "
            f"({added.image.width} by {added.image.height} px).",
            by=by,
            image=added.image,
        )
    return added


def store_processed(bot: Bot, processed: ProcessedImage) -> Added:
    existing = BotImage.objects.filter(bot=bot, sha256=processed.sha256).first()
    if existing:
        if existing.removed_at:
            BotImage.objects.filter(pk=existing.pk).update(removed_at=None)
            existing.removed_at = None
        return Added(existing, created=False)
    image = BotImage(bot=bot, format=processed.format, sha256=processed.sha256)
    fill_files(image, processed)
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:  # the same picture uploaded twice at once: the other one won
        _delete_files([image.image.name, image.thumbnail.name], image.image.storage)
        existing = BotImage.objects.filter(bot=bot, sha256=processed.sha256).first()
        if existing is None:
            raise
        return Added(existing, created=False)
    return Added(image, created=True)


def fill_files(image: BotImage, processed: ProcessedImage) -> None:
    """Write the image and thumbnail files (under generated names) onto an unsaved row."""
    image.format = processed.format
    image.sha256 = processed.sha256
    image.image.save(f"image.{processed.extension}", ContentFile(processed.content), save=False)
    image.thumbnail.save(
        f"thumb.{processed.thumbnail_format.lower()}",
        ContentFile(processed.thumbnail),
        save=False,
    )
    image.width, image.height = processed.width, processed.height


def set_alt_text(image: BotImage, *, text: str, by=None) -> BotImage:
    """Save the image's alt text (sent to X with every upload of it; rows written:
    BotImage, Activity when it changed)."""
    text = text.strip()
    limit = rules_for(image.bot).max_alt_text
    if len(text) > limit:
        raise ValueError(f"Alt text is {len(text)} characters; the network allows at most {limit}.")
    if text == image.alt_text:
        return image
    with transaction.atomic():
        BotImage.objects.filter(pk=image.pk).update(alt_text=text)
        record_activity(
            "image.alt_text",
            message="Changed an image's alt text." if text else "Cleared an image's alt text.",
            by=by,
            image=image,
            before=image.alt_text,
        )
    image.alt_text = text
    return image


def retire_gallery_image(image: BotImage, *, by=None) -> bool:
    """Take an image out of the gallery once no draft carries it (tweets.images detaches
    it from drafts first). Returns True if it was deleted with its files; an image that a
    tweet still carries is only marked removed, so that tweet keeps it for its history
    (rows written: BotImage, Activity)."""
    with transaction.atomic():
        if image.tweetimage_set.exists():
            BotImage.objects.filter(pk=image.pk).update(removed_at=timezone.now())
            image.removed_at = timezone.now()
            record_activity(
                "image.removed",
                message="Removed an image from the gallery; tweets that used it keep it.",
                by=by,
                image=image,
            )
            return False
        files = [image.image.name, image.thumbnail.name]
        storage = image.image.storage
        record_activity(
            "image.deleted", message="Deleted an image from the gallery.", by=by, bot=image.bot
        )
        image.delete()
        transaction.on_commit(lambda: _delete_files(files, storage))
    return True


def _delete_files(names, storage) -> None:
    for name in names:
        if name:
            storage.delete(name)
