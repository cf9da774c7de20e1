"""Every request's work is bounded (issue 17, item 4): import headers and lines before parsing,
variants per product, description lengths; each refusal a 400 naming the field, nothing written.
(Images: marketplace/tests/test_images.py, the pixel limit from the header and decoding in the worker.)"""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.throttling import ScopedRateThrottle

from marketplace.models import CatalogImport, Product, ProductVariant
from marketplace.services.imports import CONTRACT_COLUMNS, import_header_check
from marketplace.tests.conftest import product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/seller/imports/"
HEADER = ",".join(CONTRACT_COLUMNS)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def _post(client, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(URL, {"file": SimpleUploadedFile("catalog.csv", data)}, format="multipart")


def _row(sku: str, ref: str = "", description: str = "Cotton") -> str:
    values = dict.fromkeys(CONTRACT_COLUMNS, "")
    values.update(sku=sku, product_ref=ref, title="T-shirt", description=description, status="draft")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values[column] for column in CONTRACT_COLUMNS)
    return buffer.getvalue()


def test_a_header_of_30000_padded_columns_is_refused_before_it_is_parsed(cast, client_for) -> None:
    """Issue 17: 30,000 padded columns cost 8 s of CPU in the request (a quadratic repeat check)."""
    data = ("sku" + ",x" * 29_999 + "\r\nA-1" + "," * 29_999 + "\r\n").encode()
    response = _post(client_for(cast.owner_a), data)
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["columns"]
    assert "30,000 columns" in body["errors"]["columns"][0] and "at most 64" in body["errors"]["columns"][0]
    assert not CatalogImport.objects.exists()


def test_the_header_check_is_linear_in_the_columns(settings) -> None:
    """Even with the column limit lifted, 30,000 repeated columns are checked in one pass."""
    settings.IMPORT_MAX_COLUMNS = 100_000
    columns = ["sku"] + [f"pad{n % 50}" for n in range(30_000)]
    with pytest.raises(Exception) as refused:
        import_header_check(columns)
    errors = refused.value.errors["columns"]  # type: ignore[attr-defined]
    assert any("and 29980 more" in message for message in errors)  # the message is bounded too
    assert any(message.startswith("Repeated columns:") for message in errors)


def test_a_header_line_longer_than_the_limit_is_refused(cast, client_for) -> None:
    data = (HEADER + "," + "x" * 70_000 + "\r\n").encode()
    response = _post(client_for(cast.owner_a), data)
    assert response.status_code == 400
    assert "Line 1 is longer than 65,536 characters" in response.json()["errors"]["file"][0]
    assert not CatalogImport.objects.exists()


def test_a_data_line_longer_than_the_limit_fails_the_import_naming_the_line(
    cast, client_for, settings, django_capture_on_commit_callbacks
) -> None:
    settings.IMPORT_MAX_LINE_LENGTH = 1000
    data = (HEADER + "\r\n" + _row("OK-1") + _row("LONG-1", description="y" * 5000)).encode()
    client = client_for(cast.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, data)
    assert response.status_code == 202
    result = client.get(f"{URL}{response.json()['id']}/").json()
    assert result["status"] == "failed"
    assert result["errors"] == [{"row": 1, "field": "file", "message": "Line 3 is longer than 1,000 characters."}]


def test_a_description_longer_than_the_limit_is_a_row_error(
    cast, client_for, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PRODUCT_DESCRIPTION_MAX_LENGTH = 100
    data = (HEADER + "\r\n" + _row("OK-1") + _row("WORDY-1", description="w" * 101)).encode()
    client = client_for(cast.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, data)
    result = client.get(f"{URL}{response.json()['id']}/").json()
    assert result["errors"] == [{"row": 3, "field": "description", "message": "At most 100 characters."}]
    assert list(ProductVariant.objects.values_list("sku", flat=True)) == ["OK-1"]


def test_an_import_cannot_grow_a_product_past_the_variant_limit(
    cast, client_for, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PRODUCT_MAX_VARIANTS = 3
    settings.IMPORT_BATCH_SIZE = 2  # the count carries across batches
    rows = "".join(_row(f"TEE-{n}", ref="TEE") for n in range(5))
    client = client_for(cast.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, (HEADER + "\r\n" + rows).encode())
    result = client.get(f"{URL}{response.json()['id']}/").json()
    assert [(error["row"], error["field"]) for error in result["errors"]] == [(5, "product_ref"), (6, "product_ref")]
    assert Product.objects.get(external_ref="TEE").variants.count() == 3


def _variants(count: int) -> list[dict]:
    base = product_payload()["variants"][0]
    return [{**base, "sku": f"KETTLE-{n}"} for n in range(count)]


def test_the_api_refuses_more_variants_than_the_limit(cast, client_for, settings) -> None:
    settings.PRODUCT_MAX_VARIANTS = 3
    client = client_for(cast.owner_a)
    response = client.post("/api/v1/seller/products/", product_payload(variants=_variants(4)), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["variants"] == ["At most 3 variants per product."]
    assert not Product.objects.exists()

    # Adding one at a time counts the variants the product already has.
    product = client.post("/api/v1/seller/products/", product_payload(variants=_variants(3)), format="json").json()
    more = client.patch(f"/api/v1/seller/products/{product['id']}/", {"variants": [{**_variants(4)[3]}]}, format="json")
    assert more.status_code == 400
    assert "PRODUCT_MAX_VARIANTS" in more.json()["errors"]["variants"][0]
    assert ProductVariant.objects.count() == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": "d" * 20_001}, "description"),
        ({"translations": {"ru": {"description": "д" * 20_001}}}, "translations.ru.description"),
        ({"title": "t" * 201}, "title"),
    ],
)
def test_text_fields_are_bounded_with_the_field_named(cast, client_for, payload: dict, field: str) -> None:
    response = client_for(cast.owner_a).post("/api/v1/seller/products/", product_payload(**payload), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"] or field.split(".")[0] in response.json()["errors"]
    assert not Product.objects.exists()


def test_imports_and_image_uploads_are_throttled_per_user(cast, client_for, monkeypatch) -> None:
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "imports", "2/min")
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "uploads", "2/min")
    client = client_for(cast.owner_a)
    empty = [_post(client, b"").status_code for _ in range(3)]
    assert empty == [400, 400, 429]
    assert client.get(URL).status_code == 200  # reading is not counted
    product = client.post("/api/v1/seller/products/", product_payload(), format="json").json()
    images = f"/api/v1/seller/products/{product['id']}/images/"
    statuses = [client.post(images, {}, format="multipart").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    throttled = client.post(images, {}, format="multipart")
    assert 0 < int(throttled["Retry-After"]) <= 60
    # Another seller's allowance is their own.
    assert _post(client_for(cast.owner_b), b"").status_code == 400
