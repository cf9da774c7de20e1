"""Product images with Pillow: strict intake in the request, every pixel decoded in a task.

The request reads the file's headers only: it decides the format from the content (never the
name or content type), refuses oversize files (413) and too many pixels (400, from the declared
width × height, before any pixel is decoded: ``IMAGE_MAX_PIXELS``), and keeps the upload as it
came in the private storage (it may carry GPS metadata: nobody can fetch it). The task then
decodes it once (catching truncated files: the image becomes ``failed`` with the reason), applies
the EXIF orientation, re-encodes the pixels so no metadata (GPS, camera serials) survives into the
public original, makes the thumbnails and deletes the upload. So a web process never holds a
decoded image, and a worker holds at most one full-size copy at a time. Files go through Django's
storage API only (``default_storage``, ``storages["private"]``), so S3 works the same as local disk.
"""

import io
import logging
import uuid
import warnings
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import DomainError
from core.storage import private_storage
from core.transactions import on_commit_once
from marketplace.browse.cache import catalog_cache_bump
from marketplace.exceptions import ImageTooLarge, ImageTooManyPixels, ImageUnreadable, UnsupportedImage
from marketplace.models import ImageStatus, Product, ProductImage
from marketplace.models.media import THUMBNAIL_SIZES

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
JPEG_QUALITY = 88
WEBP_QUALITY = 82
# JPEG has no alpha: transparent product shots are flattened on white, as shops show them.
JPEG_BACKGROUND = (255, 255, 255)


def _open_checked(fp: IO[bytes]) -> Image.Image:
    """Open (headers only) and apply the format and pixel-count rules."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fp, formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooManyPixels(errors={"image": [str(error)]}) from None
    except UnidentifiedImageError:
        raise UnsupportedImage(
            errors={"image": [_("Not a JPEG, PNG or WebP image (the content was checked, not the name).")]}
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageUnreadable(errors={"image": [_("Cannot read the image: %(error)s") % {"error": error}]}) from None
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        limit = settings.IMAGE_MAX_PIXELS
        message = _("%(width)s×%(height)s is %(pixels)s pixels; at most %(limit)s are accepted.") % {
            "width": width,
            "height": height,
            "pixels": f"{width * height:,}",
            "limit": f"{limit:,}",
        }
        raise ImageTooManyPixels(errors={"image": [message]})
    return image


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as shown once the EXIF orientation is applied (read from the headers only)."""
    width, height = image.size
    try:
        orientation = image.getexif().get(0x0112)
    except Exception:  # a damaged EXIF block: the task will find out when it decodes
        orientation = None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _decode(image: Image.Image) -> Image.Image:
    """Decode the pixels (catches truncated or corrupt data), orient them, drop metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            oriented = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise ImageUnreadable(
            errors={"image": [_("The image is damaged or truncated: %(error)s") % {"error": error}]}
        ) from None
    # A fresh image from the pixels alone: EXIF, XMP, ICC and text chunks stay behind.
    if oriented.mode not in ("RGB", "RGBA", "L", "LA"):
        oriented = oriented.convert("RGBA" if "A" in oriented.getbands() or "transparency" in image.info else "RGB")
    clean = Image.new(oriented.mode, oriented.size)
    clean.paste(oriented)
    return clean


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if image.mode in ("RGBA", "LA"):
            flat = Image.new("RGB", image.size, JPEG_BACKGROUND)
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def image_check_size(*, size: int | None) -> None:
    """413 before anything is read when the declared or actual size is over the limit."""
    if size is not None and size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ImageTooLarge(
            errors={
                "image": [
                    _("The file is %(size)s bytes; at most %(limit)s are accepted.")
                    % {"size": f"{size:,}", "limit": f"{settings.IMAGE_MAX_UPLOAD_BYTES:,}"}
                ]
            }
        )


def product_image_add(*, product: Product, upload: Any) -> ProductImage:
    """Check an upload's headers and keep it privately; a task decodes, cleans and thumbnails it after commit."""
    image_check_size(size=getattr(upload, "size", None))
    if not getattr(upload, "size", 0):
        raise UnsupportedImage(errors={"image": [_("The file is empty.")]})
    upload.seek(0)
    opened = _open_checked(upload)  # headers only: format and declared pixels
    fmt = opened.format or "JPEG"
    width, height = _upright_size(opened)
    upload.seek(0)
    private = private_storage()
    source = private.save(f"image-uploads/{product.pk}/{uuid.uuid4().hex}.{EXTENSIONS[fmt]}", upload)
    try:
        with transaction.atomic():
            position = product.images.count()
            image = ProductImage.objects.create(
                product=product,
                position=position,
                original="",
                source=source,
                format=fmt,
                width=width,
                height=height,
                status=ImageStatus.PROCESSING,
            )
            transaction.on_commit(lambda: _thumbnails_schedule(image.pk))
    except Exception:
        private.delete(source)
        raise
    return image


def _thumbnails_schedule(image_id: int) -> None:
    from marketplace.tasks import product_image_thumbnails_task

    product_image_thumbnails_task.delay(image_id)


def _original_from_upload(image: ProductImage) -> Image.Image | None:
    """Decode the kept upload, store its clean original (public) and forget the upload.

    A file that cannot be decoded (truncated, too many pixels under today's limit) is a final
    answer: the image is ``failed`` with the reason and the upload deleted. A storage error is
    raised, so the task can be run again on the same upload.
    """
    private = private_storage()
    source_name = image.source
    try:
        # The reason is stored and shown later in any language: English, even when the task runs
        # inside a Russian or Chinese upload request (no broker).
        with translation.override("en"), private.open(source_name, "rb") as source:
            opened = _open_checked(source)
            fmt = opened.format or "JPEG"
            clean = _decode(opened)
    except DomainError as error:
        reason = next((message for messages in error.errors.values() for message in messages), error.detail)
        ProductImage.objects.filter(pk=image.pk).update(
            status=ImageStatus.FAILED, failure_reason=reason[:255], source=""
        )
        storage_files_delete(names=[source_name], storage=private)
        image.status, image.failure_reason, image.source = ImageStatus.FAILED, reason[:255], ""
        return None
    folder = f"products/{image.product_id}/{source_name.rsplit('/', 1)[-1].split('.', 1)[0]}"
    target = f"{folder}/original.{EXTENSIONS[fmt]}"
    if default_storage.exists(target):  # a retried task overwrites its own file
        default_storage.delete(target)
    name = default_storage.save(target, ContentFile(_encode(clean, fmt)))
    updated = ProductImage.objects.filter(pk=image.pk, source=source_name).update(
        original=name, source="", width=clean.width, height=clean.height
    )
    if not updated:  # deleted meanwhile (its receiver removes the upload), or another run of this task won
        current = ProductImage.objects.filter(pk=image.pk).values_list("original", flat=True).first()
        if current != name:
            storage_files_delete(names=[name])
        return None
    storage_files_delete(names=[source_name], storage=private)
    image.original, image.source, image.width, image.height = name, "", clean.width, clean.height
    return clean


def product_image_thumbnails_make(*, image_id: int) -> ProductImage | None:
    """Decode a new upload into its clean original, then make the WebP + JPEG thumbnails.

    Idempotent: a ready image is left alone, a retried one redoes only what is missing.
    """
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.status == ImageStatus.READY:
        return image
    made: dict[str, dict[str, str]] = {}
    try:
        if image.source:
            decoded = _original_from_upload(image)
            if decoded is None:
                return image if image.status == ImageStatus.FAILED else None
            original = decoded
        else:
            with default_storage.open(image.original, "rb") as source:
                original = Image.open(source, formats=list(ACCEPTED_FORMATS))
                original.load()
        folder = image.original.rsplit("/", 1)[0]
        # Largest first, each shrunk from the one before, in place: no full-size copy is made.
        thumbnail = original
        for size_name, size in sorted(THUMBNAIL_SIZES.items(), key=lambda item: -item[1]):
            thumbnail.thumbnail((size, size), Image.Resampling.LANCZOS)  # never upscales
            made[size_name] = {}
            for fmt, extension in (("WEBP", "webp"), ("JPEG", "jpg")):
                target = f"{folder}/{size_name}.{extension}"
                if default_storage.exists(target):  # a retried task overwrites its own files
                    default_storage.delete(target)
                made[size_name][extension] = default_storage.save(target, ContentFile(_encode(thumbnail, fmt)))
    except Exception as error:
        logger.exception("thumbnails failed for image %s", image_id)
        for formats in made.values():
            for name in formats.values():
                default_storage.delete(name)
        ProductImage.objects.filter(pk=image_id).update(status=ImageStatus.FAILED, failure_reason=str(error)[:255])
        image.status = ImageStatus.FAILED
        return image
    # Keys: "webp" and "jpg" per size.
    updated = ProductImage.objects.filter(pk=image_id).update(status=ImageStatus.READY, thumbnails=made)
    if not updated:  # the image was deleted meanwhile: do not leave its thumbnails behind
        storage_files_delete(names=[name for formats in made.values() for name in formats.values()])
        return None
    image.status, image.thumbnails = ImageStatus.READY, made
    on_commit_once(catalog_cache_bump)  # buyers' pages now show the thumbnail (an update sends no signal)
    return image


def product_image_delete(*, image: ProductImage) -> None:
    """Delete the row; its files go once the transaction commits (see ``marketplace.receivers``)."""
    image.delete()


def storage_files_delete(*, names: list[str], storage: Any = None) -> None:
    storage = storage or default_storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a missing file must not stop the others from going
            logger.warning("could not delete %s from storage", name, exc_info=True)
