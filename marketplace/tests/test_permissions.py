"""The permission matrix of every seller catalog endpoint, and read-only fields.

Callers: anonymous (401), a buyer (403), a platform admin without a seller (403: admins use
/admin/), seller B (404 for A's objects; lists show only B's own), seller A's owner and staff
(allowed: staff manage the catalog).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from marketplace.models import Product
from marketplace.tests.conftest import product_payload
from marketplace.tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _client(cast, client_for, who: str) -> APIClient:
    if who == "anonymous":
        return APIClient()
    return client_for(getattr(cast, who))


@pytest.fixture
def a_product(cast):  # type: ignore[no-untyped-def]
    return VariantFactory(product=ProductFactory(seller=cast.seller_a)).product


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("c.csv", b"sku,title\nPERM-1,Thing\n", content_type="text/csv")


def _png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


# (method, path template, body factory, format, status for seller A / staff A, status for seller B)
OBJECT_ENDPOINTS = [
    ("get", "/api/v1/seller/products/{id}/", None, None, 200),
    ("patch", "/api/v1/seller/products/{id}/", lambda: {"title": "Renamed"}, "json", 200),
    ("post", "/api/v1/seller/products/{id}/images/", lambda: {"image": _png()}, "multipart", 201),
    ("delete", "/api/v1/seller/products/{id}/", None, None, 204),
]
LIST_ENDPOINTS = [
    ("get", "/api/v1/seller/products/", None, None, 200),
    ("post", "/api/v1/seller/products/", lambda: product_payload(status="draft"), "json", 201),
    ("get", "/api/v1/seller/imports/", None, None, 200),
    ("post", "/api/v1/seller/imports/", lambda: {"file": _csv()}, "multipart", 202),
    ("get", "/api/v1/seller/imports/template/", None, None, 200),
]


def _call(client: APIClient, method: str, path: str, body, fmt):  # type: ignore[no-untyped-def]
    kwargs = {"format": fmt} if fmt else {}
    return getattr(client, method)(path, body() if body else None, **kwargs)


@pytest.mark.parametrize(("method", "path", "body", "fmt", "ok"), OBJECT_ENDPOINTS + LIST_ENDPOINTS)
@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("buyer", 403), ("admin", 403)])
def test_outsiders_are_refused(cast, client_for, a_product, method, path, body, fmt, ok, who, expected) -> None:
    response = _call(_client(cast, client_for, who), method, path.format(id=a_product.pk), body, fmt)
    assert response.status_code == expected, response.content
    assert Product.objects.filter(pk=a_product.pk, title=a_product.title).exists()


@pytest.mark.parametrize(("method", "path", "body", "fmt", "ok"), OBJECT_ENDPOINTS)
def test_another_seller_gets_404_and_changes_nothing(cast, client_for, a_product, method, path, body, fmt, ok) -> None:
    response = _call(client_for(cast.owner_b), method, path.format(id=a_product.pk), body, fmt)
    assert response.status_code == 404
    assert "Renamed" not in response.content.decode()
    a_product.refresh_from_db()
    assert a_product.title != "Renamed" and a_product.images.count() == 0


@pytest.mark.parametrize(("method", "path", "body", "fmt", "ok"), OBJECT_ENDPOINTS + LIST_ENDPOINTS)
@pytest.mark.parametrize("who", ["owner_a", "staff_a"])
def test_owner_and_staff_manage_the_catalog(
    cast, client_for, a_product, django_capture_on_commit_callbacks, method, path, body, fmt, ok, who
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _call(client_for(getattr(cast, who)), method, path.format(id=a_product.pk), body, fmt)
    assert response.status_code == ok, response.content


def test_lists_show_only_own_things(cast, client_for, a_product) -> None:
    VariantFactory(product=ProductFactory(seller=cast.seller_b, title="Dried apricots"))
    listed = client_for(cast.owner_b).get("/api/v1/seller/products/").json()
    assert [row["title"] for row in listed["results"]] == ["Dried apricots"]


def test_import_of_another_seller_is_404(cast, client_for, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = client_for(cast.owner_a).post("/api/v1/seller/imports/", {"file": _csv()}, format="multipart")
    import_id = created.json()["id"]
    assert client_for(cast.owner_b).get(f"/api/v1/seller/imports/{import_id}/").status_code == 404
    assert client_for(cast.staff_a).get(f"/api/v1/seller/imports/{import_id}/").status_code == 200


def test_read_only_fields_cannot_be_written(cast, client_for, a_product) -> None:
    client = client_for(cast.owner_a)
    response = client.patch(
        f"/api/v1/seller/products/{a_product.pk}/",
        {"id": 999999, "seller": cast.seller_b.pk, "created_at": "2001-01-01T00:00:00Z", "images": [{"id": 1}]},
        format="json",
    )
    assert response.status_code == 200
    a_product.refresh_from_db()  # still there under its own id (a write of the id would have moved or copied it)
    assert not Product.objects.filter(pk=999999).exists() and a_product.seller_id == cast.seller_a.pk
    assert a_product.created_at.year != 2001
    created = client.post("/api/v1/seller/products/", product_payload(seller=cast.seller_b.pk), format="json")
    assert created.status_code == 201
    assert Product.objects.get(pk=created.json()["id"]).seller_id == cast.seller_a.pk


def test_a_variant_of_another_seller_cannot_be_taken_over_by_id(cast, client_for, a_product) -> None:
    other = VariantFactory(product=ProductFactory(seller=cast.seller_b), sku="B-1")
    response = client_for(cast.owner_a).patch(
        f"/api/v1/seller/products/{a_product.pk}/",
        {"variants": [{"id": other.pk, "name": "stolen"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "variants.0.id" in response.json()["errors"]
    other.refresh_from_db()
    assert other.name != "stolen" and other.product.seller_id == cast.seller_b.pk


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("buyer", 403), ("admin", 403), ("owner_b", 404), ("staff_a", 200), ("owner_a", 200)],
)
def test_image_detail_matrix(cast, client_for, a_product, who, expected) -> None:
    from marketplace.models import ProductImage

    image = ProductImage.objects.create(
        product=a_product, original="products/x/original.jpg", format="JPEG", width=10, height=10
    )
    client = _client(cast, client_for, who)
    path = f"/api/v1/seller/products/{a_product.pk}/images/{image.pk}/"
    assert client.get(path).status_code == expected
    deleted = client.delete(path)
    assert deleted.status_code == (204 if expected == 200 else expected)
    assert ProductImage.objects.filter(pk=image.pk).exists() == (expected != 200)
