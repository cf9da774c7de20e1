"""Product images with Pillow: strict intake, clean originals, thumbnails in a task.

Intake decides the format by decoding (never by name or content type), refuses oversize files
(413) and too many pixels (400, before any pixel is decoded), decodes once to catch truncated
files, applies the EXIF orientation and re-encodes the pixels so no metadata (GPS, camera
serials) survives. Nothing is written to storage until every check has passed. Files go through
Django's storage API only (``default_storage``), so S3 works the same as local disk.
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
from PIL import Image, ImageOps, UnidentifiedImageError

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
            errors={"image": ["Not a JPEG, PNG or WebP image (the content was checked, not the name)."]}
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageUnreadable(errors={"image": [f"Cannot read the image: {error}"]}) from None
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        limit = settings.IMAGE_MAX_PIXELS
        message = f"{width}×{height} is {width * height:,} pixels; at most {limit:,} are accepted."
        raise ImageTooManyPixels(errors={"image": [message]})
    return image


def _decode(image: Image.Image) -> Image.Image:
    """Decode the pixels (catches truncated or corrupt data), orient them, drop metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            oriented = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise ImageUnreadable(errors={"image": [f"The image is damaged or truncated: {error}"]}) from None
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
            errors={"image": [f"The file is {size:,} bytes; at most {settings.IMAGE_MAX_UPLOAD_BYTES:,} are accepted."]}
        )


def product_image_add(*, product: Product, upload: Any) -> ProductImage:
    """Check, clean and store an uploaded image; thumbnails follow in a task after commit."""
    image_check_size(size=getattr(upload, "size", None))
    if not getattr(upload, "size", 0):
        raise UnsupportedImage(errors={"image": ["The file is empty."]})
    upload.seek(0)
    opened = _open_checked(upload)
    fmt = opened.format or "JPEG"
    clean = _decode(opened)
    data = _encode(clean, fmt)
    folder = f"products/{product.pk}/{uuid.uuid4().hex}"
    name = default_storage.save(f"{folder}/original.{EXTENSIONS[fmt]}", ContentFile(data))
    try:
        with transaction.atomic():
            position = product.images.count()
            image = ProductImage.objects.create(
                product=product,
                position=position,
                original=name,
                format=fmt,
                width=clean.width,
                height=clean.height,
                status=ImageStatus.PROCESSING,
            )
            transaction.on_commit(lambda: _thumbnails_schedule(image.pk))
    except Exception:
        default_storage.delete(name)
        raise
    return image


def _thumbnails_schedule(image_id: int) -> None:
    from marketplace.tasks import product_image_thumbnails_task

    product_image_thumbnails_task.delay(image_id)


def product_image_thumbnails_make(*, image_id: int) -> ProductImage | None:
    """Make the WebP + JPEG thumbnails of one image (idempotent: a ready image is left alone)."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.status == ImageStatus.READY:
        return image
    folder = image.original.rsplit("/", 1)[0]
    made: dict[str, dict[str, str]] = {}
    try:
        with default_storage.open(image.original, "rb") as source:
            original = Image.open(source, formats=list(ACCEPTED_FORMATS))
            original.load()
        for size_name, size in THUMBNAIL_SIZES.items():
            thumbnail = original.copy()
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
