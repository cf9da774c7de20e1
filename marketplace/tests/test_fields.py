"""One list of product and variant fields: the API, the CSV import, the admin and activation derive from it."""

import pytest

from marketplace.admin import VariantInline
from marketplace.models import PRODUCT_FIELDS, PRODUCT_FIELDS_TO_ACTIVATE, VARIANT_FIELDS, VARIANT_FIELDS_TO_ACTIVATE
from marketplace.serializers import ProductSerializer, ProductWriteSerializer, VariantSerializer, VariantWriteSerializer
from marketplace.services.imports.columns import COLUMN_FIELDS, KNOWN_COLUMNS
from marketplace.tests.conftest import product_payload
from marketplace.tests.test_imports import _csv, _import, _row


def test_the_api_reads_and_writes_exactly_the_listed_fields() -> None:
    assert set(ProductWriteSerializer().fields) == {*PRODUCT_FIELDS, "variants"}
    assert set(VariantWriteSerializer().fields) == {*VARIANT_FIELDS, "id"}
    assert set(PRODUCT_FIELDS) <= set(ProductSerializer().fields)
    assert set(VARIANT_FIELDS) <= set(VariantSerializer().fields)


def test_every_listed_field_has_its_csv_column_and_every_column_its_field() -> None:
    assert set(COLUMN_FIELDS) == set(KNOWN_COLUMNS)
    assert {*PRODUCT_FIELDS, *VARIANT_FIELDS} <= set(COLUMN_FIELDS.values())


def test_the_admin_edits_every_variant_field() -> None:
    assert tuple(VariantInline.fields) == VARIANT_FIELDS


@pytest.mark.django_db
# A blank origin is filled with the seller's country by both paths, so it cannot be missing there.
@pytest.mark.parametrize(
    "name", [n for n in (*PRODUCT_FIELDS_TO_ACTIVATE, *VARIANT_FIELDS_TO_ACTIVATE) if n != "origin_country"]
)
def test_each_field_required_to_activate_is_asked_for_by_the_api_and_the_csv_import(
    cast, client_for, django_capture_on_commit_callbacks, name
) -> None:
    client = client_for(cast.owner_a)
    payload = product_payload()
    if name in VARIANT_FIELDS_TO_ACTIVATE:
        payload["variants"][0][name] = None
        expected = f"variants[KETTLE-17].{name}"
    else:
        payload[name] = ""
        expected = name
    response = client.post("/api/v1/seller/products/", payload, format="json")
    assert response.status_code == 400
    assert expected in response.json()["missing"]

    result = _import(client, _csv([_row(**{name: ""})]), django_capture_on_commit_callbacks)
    assert [(error["field"], name in error["message"]) for error in result["errors"]] == [("status", True)]


def test_activation_lists_every_missing_field_in_order() -> None:
    from types import SimpleNamespace

    from marketplace.validation import activation_missing

    variant = SimpleNamespace(sku="V", is_active=True, **dict.fromkeys(VARIANT_FIELDS_TO_ACTIVATE))
    missing = activation_missing(hs_code="", origin_country="", variants=[variant])
    assert missing == [*PRODUCT_FIELDS_TO_ACTIVATE, *(f"variants[V].{name}" for name in VARIANT_FIELDS_TO_ACTIVATE)]
