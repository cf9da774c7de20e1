"""Image intake with Pillow: the bad-image corpus, EXIF orientation, metadata, thumbnails, clean-up."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.models import ProductImage
from marketplace.tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _jpeg(size=(800, 600), color="red", exif=None, noise=False) -> bytes:  # type: ignore[no-untyped-def]
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb in 70 bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (40, 40)).save(buffer, "GIF")
    return buffer.getvalue()


def _media_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.fixture
def product(cast):  # type: ignore[no-untyped-def]
    return VariantFactory(product=ProductFactory(seller=cast.seller_a)).product


def _upload(client, product, name, data, content_type="image/jpeg"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/seller/products/{product.pk}/images/",
        {"image": SimpleUploadedFile(name, data, content_type=content_type)},
        format="multipart",
    )


BAD_IMAGES = [
    ("bomb.png", lambda: _png_declaring(30000, 30000), "image/png", 400, "image_too_many_pixels"),
    ("anim.gif", _gif, "image/gif", 415, "unsupported_image"),
    (
        "logo.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        "image/svg+xml",
        415,
        "unsupported_image",
    ),
    (
        "photo.jpg",
        lambda: b"<html><body><script>alert(1)</script></body></html>",
        "image/jpeg",
        415,
        "unsupported_image",
    ),
    ("empty.jpg", lambda: b"", "image/jpeg", 415, "unsupported_image"),
]


@pytest.mark.parametrize(("name", "data", "content_type", "status", "code"), BAD_IMAGES)
def test_bad_images_are_refused_and_nothing_is_stored(
    cast, client_for, product, django_capture_on_commit_callbacks, name, data, content_type, status, code
) -> None:
    files_before = _media_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client_for(cast.owner_a), product, name, data(), content_type)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["errors"]["image"]
    assert ProductImage.objects.count() == 0
    assert _media_files() == files_before


def test_a_pixel_limit_below_pillows_own_is_enforced_before_decoding(cast, client_for, product, settings) -> None:
    settings.IMAGE_MAX_PIXELS = 1000 * 1000
    files_before = _media_files()
    response = _upload(client_for(cast.owner_a), product, "big.png", _png_declaring(2000, 1000), "image/png")
    assert response.status_code == 400 and response.json()["code"] == "image_too_many_pixels"
    assert "2,000,000 pixels" in response.json()["errors"]["image"][0]
    assert ProductImage.objects.count() == 0 and _media_files() == files_before


@pytest.mark.parametrize("excess", [1, 64 * 1024])
def test_oversize_files_get_413_and_nothing_is_stored(cast, client_for, product, settings, excess) -> None:
    settings.IMAGE_MAX_UPLOAD_BYTES = 50_000
    data = _jpeg(size=(1200, 1200), noise=True)
    data = data[: settings.IMAGE_MAX_UPLOAD_BYTES + excess]
    files_before = _media_files()
    response = _upload(client_for(cast.owner_a), product, "huge.jpg", data)
    assert response.status_code == 413 and response.json()["code"] == "image_too_large"
    assert ProductImage.objects.count() == 0 and _media_files() == files_before


def test_missing_field_is_400(cast, client_for, product) -> None:
    response = client_for(cast.owner_a).post(
        f"/api/v1/seller/products/{product.pk}/images/", {"picture": b"x"}, format="multipart"
    )
    assert response.status_code == 400 and "image" in response.json()["errors"]


def test_upload_orients_strips_metadata_and_makes_thumbnails(
    cast, client_for, product, django_capture_on_commit_callbacks
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned 90°; the pixels are stored sideways
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (41.0, 18.0, 0.0)}  # GPS: where the seller's factory is
    data = _jpeg(size=(1600, 1000), exif=exif)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client_for(cast.owner_a), product, "IMG_0001.JPG", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["width"], body["height"]) == (1000, 1600)  # upright
    assert body["status"] == "processing" or body["status"] == "ready"
    image = ProductImage.objects.get()
    assert image.status == "ready"
    with default_storage.open(image.original, "rb") as stored:
        original = Image.open(stored)
        original.load()
    assert original.size == (1000, 1600)
    assert len(original.getexif()) == 0 and "exif" not in original.info
    expected = {"small": (100, 160), "medium": (300, 480), "large": (750, 1200)}
    for size, dimensions in expected.items():
        for extension, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
            with default_storage.open(image.thumbnails[size][extension], "rb") as thumb:
                opened = Image.open(thumb)
                assert (opened.format, opened.size) == (fmt, dimensions)
    detail = client_for(cast.owner_a).get(f"/api/v1/seller/products/{product.pk}/").json()
    (shown,) = detail["images"]
    assert shown["status"] == "ready"
    assert shown["thumbnails"]["small"].endswith("small.webp")
    assert shown["thumbnails_jpeg"]["large"].endswith("large.jpg")


def test_png_with_transparency_keeps_alpha_in_webp_and_flattens_jpeg(
    cast, client_for, product, django_capture_on_commit_callbacks
) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 0, 0)).save(buffer, "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client_for(cast.owner_a), product, "cutout.png", buffer.getvalue(), "image/png")
    assert response.status_code == 201
    image = ProductImage.objects.get()
    with default_storage.open(image.thumbnails["small"]["webp"], "rb") as webp:
        assert Image.open(webp).mode == "RGBA"
    with default_storage.open(image.thumbnails["small"]["jpg"], "rb") as jpeg:
        assert Image.open(jpeg).convert("RGB").getpixel((5, 5)) >= (250, 250, 250)


def test_deleting_the_product_or_the_image_removes_its_files(
    cast, client_for, product, django_capture_on_commit_callbacks
) -> None:
    client = client_for(cast.owner_a)
    files_before = _media_files()
    with django_capture_on_commit_callbacks(execute=True):
        first = _upload(client, product, "a.jpg", _jpeg()).json()
        _upload(client, product, "b.jpg", _jpeg(color="blue"))
    assert len(_media_files()) == len(files_before) + 2 * 7  # original + 3 sizes × 2 formats
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/seller/products/{product.pk}/images/{first['id']}/").status_code == 204
    assert len(_media_files()) == len(files_before) + 7
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/seller/products/{product.pk}/").status_code == 204
    assert _media_files() == files_before
    assert ProductImage.objects.count() == 0


def test_a_thumbnail_failure_is_recorded_and_a_retry_recovers(cast, client_for, product, monkeypatch) -> None:
    """A storage error while the worker writes is recorded; the upload is kept, so a retry succeeds."""
    from marketplace.services.images import product_image_thumbnails_make

    response = _upload(client_for(cast.owner_a), product, "a.jpg", _jpeg())  # task not run: no commit
    image = ProductImage.objects.get(pk=response.json()["id"])
    real_save = FileSystemStorage.save

    def failing_save(self, name, content, max_length=None):  # type: ignore[no-untyped-def]
        if name.endswith("small.webp"):
            raise OSError("disk full")
        return real_save(self, name, content, max_length=max_length)

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    assert product_image_thumbnails_make(image_id=image.pk).status == "failed"
    image.refresh_from_db()
    assert image.status == "failed" and "disk full" in image.failure_reason and image.thumbnails == {}
    monkeypatch.undo()
    assert product_image_thumbnails_make(image_id=image.pk).status == "ready"
    image.refresh_from_db()
    assert image.status == "ready" and image.source == "" and len(image.storage_names()) == 7


def test_a_truncated_image_is_accepted_then_failed_by_the_worker_with_the_reason(
    cast, client_for, product, django_capture_on_commit_callbacks
) -> None:
    """Decoding is the worker's job: the request reads headers only, the worker finds the damage."""
    files_before = _media_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client_for(cast.owner_a), product, "truncated.jpg", _jpeg(noise=True)[:3000])
    assert response.status_code == 201 and response.json()["status"] == "processing"
    image = ProductImage.objects.get()
    assert image.status == "failed" and "damaged or truncated" in image.failure_reason
    shown = client_for(cast.owner_a).get(f"/api/v1/seller/products/{product.pk}/images/{image.pk}/").json()
    assert shown["status"] == "failed" and shown["failure_reason"] == image.failure_reason and shown["url"] is None
    assert _media_files() == files_before and image.source == ""  # the upload is gone, nothing was published


def _png_1bit_declaring(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG header: a few bytes that decode to width × height bytes and more."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")


def _no_decoding(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PIL import ImageFile

    def refuse(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the request decoded pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_6300_square_1_bit_png_is_refused_before_any_pixel_is_decoded(cast, client_for, product, monkeypatch) -> None:
    """Issue 17: 4.9 KB that took a worker from 186 MB to 737 MB. The default limit refuses it from its header."""
    assert settings.IMAGE_MAX_PIXELS < 6300 * 6300
    _no_decoding(monkeypatch)
    files_before = _media_files()
    response = _upload(client_for(cast.owner_a), product, "bomb.png", _png_1bit_declaring(6300, 6300), "image/png")
    assert response.status_code == 400
    assert response.json()["code"] == "image_too_many_pixels"
    assert "39,690,000 pixels" in response.json()["errors"]["image"][0]
    assert ProductImage.objects.count() == 0 and _media_files() == files_before


def test_the_request_reads_headers_only_and_the_worker_decodes(
    cast, client_for, product, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from marketplace.services.images import product_image_thumbnails_make

    _no_decoding(monkeypatch)
    response = _upload(client_for(cast.owner_a), product, "a.jpg", _jpeg(size=(640, 480)))  # no commit: no task
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["width"], response.json()["height"]) == ("processing", 640, 480)
    image = ProductImage.objects.get()
    assert image.original == "" and image.source  # kept privately until the worker has cleaned it
    monkeypatch.undo()
    assert product_image_thumbnails_make(image_id=image.pk).status == "ready"
    image.refresh_from_db()
    assert image.original.endswith("original.jpg") and image.source == ""
