"""A price too long for its column is a 400 (API) or a row error (CSV), and nothing is written.

Money columns are DECIMAL(18, 3): 15 digits before the point. Before the bound, a 16-digit
price was stored by SQLite and then broke every read of the row (public list, seller list,
admin) for everyone; PostgreSQL refused it with a 500. These run on whichever database the
suite uses (SQLite under `make test`, PostgreSQL under `.ci/run`).
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from djmoney.money import Money

from core.exceptions import ValidationFailed
from marketplace.models import CatalogImport, Product, ProductVariant
from marketplace.services.products import product_create
from marketplace.tests.conftest import product_payload
from marketplace.tests.factories import ProductFactory, VariantFactory
from marketplace.tests.test_imports import _csv, _import, _row

pytestmark = pytest.mark.django_db

SIXTEEN_DIGITS = "1234567890123456"


def _everyone_can_still_read(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(cast.buyer).get("/api/v1/products/").status_code == 200
    assert client_for(cast.owner_a).get("/api/v1/seller/products/").status_code == 200
    admin = Client()
    admin.force_login(cast.admin)
    assert admin.get("/admin/marketplace/productvariant/").status_code == 200
    assert admin.get("/admin/marketplace/product/").status_code == 200


@pytest.mark.parametrize("amount", [SIXTEEN_DIGITS, f"{SIXTEEN_DIGITS}.00", "1e30", "1000000000000000"])
def test_a_price_too_long_for_its_column_is_a_400_and_writes_nothing(cast, client_for, amount) -> None:
    VariantFactory(product=ProductFactory(seller=cast.seller_a), sku="ALREADY-THERE")
    before = (Product.objects.count(), ProductVariant.objects.count())
    payload = product_payload()
    payload["variants"][0]["price"] = {"amount": amount, "currency": "CNY"}

    response = client_for(cast.owner_a).post("/api/v1/seller/products/", payload, format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert "15 digits" in body["errors"]["variants.0.price.amount"][0]
    assert body["detail"].startswith("variants.0.price.amount")
    assert (Product.objects.count(), ProductVariant.objects.count()) == before
    _everyone_can_still_read(cast, client_for)


def test_an_update_with_a_price_too_long_changes_nothing(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    created = client.post("/api/v1/seller/products/", product_payload(), format="json").json()
    variant = created["variants"][0]
    change = {
        "title": "Renamed",
        "variants": [
            {"id": variant["id"], "price": {"amount": SIXTEEN_DIGITS}},
            {**product_payload()["variants"][0], "sku": "KETTLE-NEW"},
        ],
    }

    response = client.patch(f"/api/v1/seller/products/{created['id']}/", change, format="json")

    assert response.status_code == 400
    assert "variants.0.price.amount" in response.json()["errors"]
    product = Product.objects.get(pk=created["id"])
    assert product.title == created["title"]
    assert list(product.variants.values_list("sku", flat=True)) == ["KETTLE-17"]
    assert product.variants.get().price == Money(Decimal("89.00"), "CNY")
    _everyone_can_still_read(cast, client_for)


def test_the_service_refuses_a_price_too_long_even_without_the_api(cast) -> None:
    """Callers that build Money themselves (seeding, future endpoints) meet the same bound."""
    variant = {
        "sku": "KETTLE-17",
        "price": Money(Decimal(SIXTEEN_DIGITS), "CNY"),
        "weight_kg": Decimal("1.100"),
        "length_cm": Decimal("24.00"),
        "width_cm": Decimal("18.00"),
        "height_cm": Decimal("26.00"),
    }
    fields = {k: v for k, v in product_payload().items() if k not in {"variants", "category"}}
    with pytest.raises(ValidationFailed) as error:
        product_create(seller=cast.seller_a, variants=[variant], **fields)
    assert "variants.0.price" in error.value.errors
    assert not Product.objects.exists() and not ProductVariant.objects.exists()


@pytest.mark.parametrize("price", [SIXTEEN_DIGITS, "1e30", "-1e30", "1E+15"])
def test_a_csv_price_too_long_is_a_row_error_and_the_import_finishes(
    cast, client_for, django_capture_on_commit_callbacks, price
) -> None:
    rows = [_row(), _row(sku="HUGE-1", product_ref="HUGE", title="Too dear", price=price)]

    result = _import(client_for(cast.owner_a), _csv(rows), django_capture_on_commit_callbacks)

    assert result["status"] == "done" and result["failure_reason"] == ""
    assert [(error["row"], error["field"]) for error in result["errors"]] == [(3, "price")]
    assert (result["created"], result["processed_rows"]) == (1, 2)
    assert list(ProductVariant.objects.values_list("sku", flat=True)) == ["GS-TEE-M"]
    assert CatalogImport.objects.get(pk=result["id"]).file  # the file stays with its finished import
    _everyone_can_still_read(cast, client_for)


def test_an_unexpected_failure_of_an_import_is_recorded_not_raised_at_the_uploader(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    """Tasks run in-process without a broker: a bug in the job must not turn the upload into a 500."""
    from marketplace.services.imports import runner

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ArithmeticError("a bug, not bad input")

    monkeypatch.setattr(runner, "run_batch", broken)
    client = client_for(cast.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/seller/imports/",
            {"file": SimpleUploadedFile("catalog.csv", _csv([_row()]))},
            format="multipart",
        )
    assert response.status_code == 202
    state = client.get(f"/api/v1/seller/imports/{response.json()['id']}/").json()
    assert state["status"] == "failed"
    assert state["failure_reason"] == "Unexpected error: ArithmeticError"
    assert not ProductVariant.objects.exists()
