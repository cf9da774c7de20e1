"""Bulk CSV import: good, bad and repeated rows, re-import, BOM and semicolons, columns, progress."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.models import CatalogImport, Product, ProductVariant
from marketplace.services.imports import CONTRACT_COLUMNS
from marketplace.tests.conftest import product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/seller/imports/"
HEADER = list(CONTRACT_COLUMNS)


def _row(**values: str) -> dict[str, str]:
    row = {
        "sku": "GS-TEE-M",
        "product_ref": "GS-TEE",
        "title": "Cotton T-shirt",
        "description": "100% cotton",
        "category": "clothing-shoes",
        "price": "35.00",
        "hs_code": "610910",
        "origin_country": "CN",
        "weight_kg": "0.20",
        "length_cm": "30",
        "width_cm": "25",
        "height_cm": "2",
        "perishable": "false",
        "temperature_min_c": "",
        "temperature_max_c": "",
        "variant_name": "M",
        "status": "active",
    }
    row.update(values)
    return row


def _csv(rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False, header=None) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    columns = header or HEADER
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _import(client, data: bytes, capture, **headers: str) -> dict:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile("catalog.csv", data)}, format="multipart", **headers)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    return client.get(f"{URL}{response.json()['id']}/").json()


GOOD_AND_BAD = [
    _row(),
    _row(sku="GS-TEE-L", variant_name="L", weight_kg="0.21"),
    _row(sku="BAD-HS", product_ref="", hs_code="7712", title="Bad HS"),
    _row(
        sku="BAD-COLD",
        product_ref="",
        title="Ice cream",
        perishable="false",
        temperature_min_c="-25",
        temperature_max_c="-18",
    ),
    _row(sku="BAD-PRICE", product_ref="", title="Free lunch", price="12.345"),
    _row(sku="NOT-READY", product_ref="", title="Half done", weight_kg=""),
    _row(sku="GS-TEE-M", variant_name="again"),  # a repeated SKU in the same file
    _row(
        sku="HONEY-1",
        product_ref="",
        title="Honey",
        category="food",
        hs_code="040900",
        perishable="true",
        temperature_min_c="2",
        temperature_max_c="8",
        status="draft",
    ),
]


def test_good_rows_land_bad_rows_are_reported_and_reimport_changes_nothing(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(cast.owner_a)
    result = _import(client, _csv(GOOD_AND_BAD), django_capture_on_commit_callbacks)
    assert result["status"] == "done"
    assert (result["total_rows"], result["processed_rows"]) == (8, 8)
    assert (result["created"], result["updated"]) == (3, 0)
    by_row = {(error["row"], error["field"]) for error in result["errors"]}
    assert by_row == {
        (4, "hs_code"),
        (5, "temperature_min_c"),
        (5, "temperature_max_c"),
        (6, "price"),
        (7, "status"),
        (8, "sku"),
    }
    messages = {error["row"]: error["message"] for error in result["errors"]}
    assert "weight_kg" in messages[7] and "row 2" in messages[8]
    tee = Product.objects.get(external_ref="GS-TEE")
    assert tee.status == "active" and tee.category.slug == "clothing-shoes"
    assert sorted(tee.variants.values_list("sku", flat=True)) == ["GS-TEE-L", "GS-TEE-M"]
    assert str(tee.variants.get(sku="GS-TEE-M").price.amount) == "35.000"
    honey = Product.objects.get(variants__sku="HONEY-1")
    assert (honey.perishable, honey.temperature_min_c, honey.temperature_max_c) == (True, 2, 8)
    snapshot = list(ProductVariant.objects.order_by("sku").values("sku", "updated_at", "product_id"))

    again = _import(client, _csv(GOOD_AND_BAD), django_capture_on_commit_callbacks)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert list(ProductVariant.objects.order_by("sku").values("sku", "updated_at", "product_id")) == snapshot
    assert Product.objects.count() == 2


def test_row_errors_are_stored_in_english_whatever_the_uploaders_language(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    # The errors are kept on the import and read later by anyone: a Russian upload (whose task
    # runs after its request, with Russian still active) stores the same English as any other.
    client = client_for(cast.owner_a)
    rows = [_row(sku="BAD-PRICE", product_ref="", title="Free lunch", price="12.345")]
    result = _import(client, _csv(rows), django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="ru")
    assert [(error["field"], error["message"]) for error in result["errors"]] == [
        ("price", "CNY has 2 decimal places; 12.345 has more.")
    ]


def test_changed_rows_count_as_updated(cast, client_for, django_capture_on_commit_callbacks) -> None:
    client = client_for(cast.owner_a)
    _import(client, _csv([_row(), _row(sku="GS-TEE-L")]), django_capture_on_commit_callbacks)
    result = _import(client, _csv([_row(price="39.90"), _row(sku="GS-TEE-L")]), django_capture_on_commit_callbacks)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    assert str(ProductVariant.objects.get(sku="GS-TEE-M").price.amount) == "39.900"


@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (";", False), (",", True)])
def test_bom_and_semicolons(cast, client_for, django_capture_on_commit_callbacks, delimiter, bom) -> None:
    rows = [_row(title="Футболка; хлопок", price="35,50" if delimiter == ";" else "35.50")]
    result = _import(
        client_for(cast.owner_a), _csv(rows, delimiter=delimiter, bom=bom), django_capture_on_commit_callbacks
    )
    assert result["errors"] == [] and result["created"] == 1
    variant = ProductVariant.objects.select_related("product").get(sku="GS-TEE-M")
    assert variant.product.title == "Футболка; хлопок"
    assert str(variant.price.amount) == "35.500"


def test_unknown_columns_are_named(cast, client_for) -> None:
    data = _csv([_row()], header=[*HEADER, "colour", "Warehouse"])
    response = client_for(cast.owner_a).post(URL, {"file": SimpleUploadedFile("c.csv", data)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_file_invalid"
    assert body["unknown_columns"] == ["colour", "warehouse"]
    assert "'colour'" in body["detail"] and "'warehouse'" in body["detail"]
    assert CatalogImport.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [(b"", "file"), (b"title,price\nx,1\n", "columns"), ("sku,title\nA,\xe9\n".encode("latin-1"), "file")],
)
def test_unusable_files_are_400(cast, client_for, data, field) -> None:
    response = client_for(cast.owner_a).post(URL, {"file": SimpleUploadedFile("c.csv", data)}, format="multipart")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_oversize_file_is_413(cast, client_for, settings) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    data = _csv([_row(), _row(sku="GS-TEE-L")])
    response = client_for(cast.owner_a).post(URL, {"file": SimpleUploadedFile("c.csv", data)}, format="multipart")
    assert response.status_code == 413


def test_progress_moves_per_batch_and_translations_and_partial_columns(
    cast, client_for, django_capture_on_commit_callbacks, settings, monkeypatch
) -> None:
    settings.IMPORT_BATCH_SIZE = 2
    rows = [_row(sku=f"SKU-{n}", product_ref=f"P-{n}", title=f"Thing {n}") for n in range(5)]
    header = [*HEADER, "title_ru", "title_zh"]
    rows[0].update(title_ru="Вещь", title_zh="东西")
    client = client_for(cast.owner_a)
    seen: list[int] = []
    from marketplace.services.imports import runner

    original = runner._progress

    def spy(import_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(import_id, *args, **kwargs)
        seen.append(CatalogImport.objects.get(pk=import_id).processed_rows)  # as a GET would see it

    monkeypatch.setattr(runner, "_progress", spy)
    result = _import(client, _csv(rows, header=header), django_capture_on_commit_callbacks)
    assert seen == [2, 4, 5]
    assert result["processed_rows"] == 5 and result["created"] == 5
    assert Product.objects.get(external_ref="P-0").translations == {"ru": {"title": "Вещь"}, "zh": {"title": "东西"}}
    # A price-only file updates prices and leaves everything else alone.
    prices = _csv([{"sku": "SKU-1", "price": "40.00"}], header=["sku", "price"])
    result = _import(client, prices, django_capture_on_commit_callbacks)
    assert (result["updated"], result["errors"]) == (1, [])
    variant = ProductVariant.objects.select_related("product").get(sku="SKU-1")
    assert (str(variant.price.amount), variant.product.title, variant.product.status) == ("40.000", "Thing 1", "active")


def test_import_attaches_rows_to_products_made_through_the_api(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(cast.owner_a)
    product_id = client.post("/api/v1/seller/products/", product_payload(), format="json").json()["id"]
    result = _import(
        client,
        _csv([{"sku": "KETTLE-17", "price": "95.00"}], header=["sku", "price"]),
        django_capture_on_commit_callbacks,
    )
    assert result["updated"] == 1
    assert ProductVariant.objects.get(sku="KETTLE-17").product_id == product_id
    assert Product.objects.count() == 1


def test_template_documents_every_column_and_imports_cleanly(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(cast.owner_a)
    response = client.get(f"{URL}template/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, docs = rows[0], rows[1]
    assert header[: len(HEADER)] == HEADER
    assert len(docs) == len(header) and all(cell.strip() for cell in docs) and docs[0].startswith("#")
    result = _import(client, response.content, django_capture_on_commit_callbacks)
    assert result["errors"] == [] and result["created"] == 2
    assert Product.objects.get().status == "draft"


def test_a_redelivered_task_does_nothing(cast, client_for, django_capture_on_commit_callbacks) -> None:
    from marketplace.tasks import catalog_import_task

    client = client_for(cast.owner_a)
    result = _import(client, _csv([_row()]), django_capture_on_commit_callbacks)
    assert catalog_import_task.delay(result["id"]).get(timeout=10) == "done"
    assert client.get(f"{URL}{result['id']}/").json()["created"] == 1
    assert ProductVariant.objects.count() == 1


def test_a_file_that_turns_out_not_utf8_fails_cleanly(cast, client_for, django_capture_on_commit_callbacks) -> None:
    # Past the first 64 KiB (the part checked at upload), so the job itself meets the bad byte.
    good = _csv([_row(sku=f"SKU-{n}", product_ref="") for n in range(700)])
    assert len(good) > 64 * 1024
    data = good + "BAD-1,,Caf\xe9,,,,,,,,,,,,,,draft\n".encode("latin-1")
    result = _import(client_for(cast.owner_a), data, django_capture_on_commit_callbacks)
    assert result["status"] == "failed" and "UTF-8" in result["failure_reason"]
    assert ProductVariant.objects.count() == 0  # checked before anything was written
