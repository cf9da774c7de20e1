"""Seller product CRUD: validation a customs officer and a warehouse would sign, activation, search."""

import pytest

from marketplace.models import Product, ProductStatus, ProductVariant
from marketplace.tests.conftest import product_payload
from marketplace.tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/seller/products/"


def test_create_returns_the_product_with_variants_and_money(cast, client_for) -> None:
    response = client_for(cast.owner_a).post(URL, product_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["category"] == "household" and body["images"] == []
    (variant,) = body["variants"]
    assert variant["sku"] == "KETTLE-17"
    assert variant["price"] == {"amount": "89.00", "currency": "CNY"}
    assert variant["volume_m3"] == "0.011232"
    assert body["missing_for_activation"] == []


def test_price_currency_may_be_left_out_but_not_wrong(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    variants = [{**product_payload()["variants"][0], "price": {"amount": "10.50"}}]
    assert client.post(URL, product_payload(variants=variants), format="json").status_code == 201
    variants = [{**variants[0], "sku": "K-2", "price": {"amount": "10.50", "currency": "USD"}}]
    response = client.post(URL, product_payload(variants=variants), format="json")
    assert response.status_code == 400
    assert "variants.0.price" in response.json()["errors"]
    variants = [{**variants[0], "price": {"amount": "10.505", "currency": "CNY"}}]
    response = client.post(URL, product_payload(variants=variants), format="json")
    assert response.status_code == 400  # CNY has 2 decimals: no silent rounding


@pytest.mark.parametrize(
    ("hs_code", "ok"),
    [
        ("851671", True),
        ("8516.71.0000", True),  # national 10-digit code written with dots
        ("0409000000", True),
        ("85167", False),  # 5 digits
        ("85167100001", False),  # 11 digits
        ("771234", False),  # chapter 77 is reserved
        ("981234", False),  # no chapter 98 in the HS
        ("001234", False),
        ("85A671", False),
    ],
)
def test_hs_code_rules(cast, client_for, hs_code, ok) -> None:
    response = client_for(cast.owner_a).post(URL, product_payload(hs_code=hs_code), format="json")
    assert response.status_code == (201 if ok else 400), response.content
    if not ok:
        assert "hs_code" in response.json()["errors"]
    else:
        assert response.json()["hs_code"].isdigit()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"perishable": False, "temperature_min_c": 0, "temperature_max_c": 4}, "temperature_min_c"),
        ({"perishable": True, "temperature_min_c": -40, "temperature_max_c": -18}, "temperature_min_c"),
        ({"perishable": True, "temperature_min_c": 2, "temperature_max_c": 31}, "temperature_max_c"),
        ({"perishable": True, "temperature_min_c": 8, "temperature_max_c": 2}, "temperature_min_c"),
        ({"perishable": True, "temperature_min_c": 2}, "temperature_max_c"),
    ],
)
def test_cold_chain_rules(cast, client_for, fields, error_field) -> None:
    response = client_for(cast.owner_a).post(URL, product_payload(**fields), format="json")
    assert response.status_code == 400
    assert error_field in response.json()["errors"]
    assert not Product.objects.exists()


def test_a_frozen_perishable_within_bounds_is_accepted(cast, client_for) -> None:
    payload = product_payload(perishable=True, temperature_min_c=-25, temperature_max_c=-18, shelf_life_days=180)
    response = client_for(cast.owner_a).post(URL, payload, format="json")
    assert response.status_code == 201
    assert (response.json()["temperature_min_c"], response.json()["temperature_max_c"]) == (-25, -18)


@pytest.mark.parametrize(
    ("field", "value"),
    [("weight_kg", "0"), ("weight_kg", "-1"), ("weight_kg", "30000"), ("length_cm", "0"), ("height_cm", "1500")],
)
def test_measurement_bounds(cast, client_for, field, value) -> None:
    variants = [{**product_payload()["variants"][0], field: value}]
    response = client_for(cast.owner_a).post(URL, product_payload(variants=variants), format="json")
    assert response.status_code == 400
    assert f"variants.0.{field}" in response.json()["errors"]


def test_activation_lists_every_missing_field(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    bare = {"sku": "BARE-1", "name": "bare"}
    response = client.post(URL, product_payload(hs_code="", variants=[bare]), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "product_not_ready"
    assert body["missing"] == [
        "hs_code",
        "variants[BARE-1].price",
        "variants[BARE-1].weight_kg",
        "variants[BARE-1].length_cm",
        "variants[BARE-1].width_cm",
        "variants[BARE-1].height_cm",
    ]
    response = client.post(URL, product_payload(variants=[]), format="json")
    assert response.json()["missing"] == ["variants"]
    # As a draft the same product is fine, and says what it still needs.
    draft = client.post(URL, product_payload(hs_code="", status="draft", variants=[bare]), format="json")
    assert draft.status_code == 201
    assert "hs_code" in draft.json()["missing_for_activation"]
    # Filling the gaps lets it go live.
    complete = {**product_payload()["variants"][0], "sku": "BARE-1"}
    activated = client.patch(
        f"{URL}{draft.json()['id']}/", {"status": "active", "hs_code": "851671", "variants": [complete]}, format="json"
    )
    assert activated.status_code == 200, activated.content
    assert activated.json()["status"] == "active"


def test_an_active_product_cannot_lose_what_activation_needs(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    product_id = client.post(URL, product_payload(), format="json").json()["id"]
    response = client.patch(f"{URL}{product_id}/", {"hs_code": ""}, format="json")
    assert response.status_code == 400 and response.json()["missing"] == ["hs_code"]
    assert Product.objects.get(pk=product_id).hs_code == "851671"


def test_a_taken_sku_is_refused_in_the_sellers_language(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    assert client.post(URL, product_payload(), format="json").status_code == 201
    again = client.post(URL, product_payload(title="Copy"), format="json", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert again.status_code == 409 and again.json()["code"] == "sku_taken"
    assert again.json()["detail"] == "您已在另一个规格上使用了该 SKU。"


def test_sku_is_unique_per_seller_not_globally(cast, client_for) -> None:
    client_a, client_b = client_for(cast.owner_a), client_for(cast.owner_b)
    assert client_a.post(URL, product_payload(), format="json").status_code == 201
    again = client_a.post(URL, product_payload(title="Copy"), format="json")
    assert again.status_code == 409 and again.json()["code"] == "sku_taken"
    uzs = [{**product_payload()["variants"][0], "price": {"amount": "68000.00", "currency": "UZS"}}]
    assert client_b.post(URL, product_payload(variants=uzs, origin_country="UZ"), format="json").status_code == 201
    twice = [product_payload()["variants"][0], {**product_payload()["variants"][0], "name": "dup"}]
    response = client_a.post(URL, product_payload(title="Twice", variants=twice), format="json")
    assert response.status_code == 400 and "variants.1.sku" in response.json()["errors"]


def test_patch_updates_by_id_or_sku_and_adds_new_variants(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    body = client.post(URL, product_payload(), format="json").json()
    variant_id = body["variants"][0]["id"]
    second = {**product_payload()["variants"][0], "sku": "KETTLE-17-W", "name": "white"}
    response = client.patch(
        f"{URL}{body['id']}/",
        {"variants": [{"id": variant_id, "price": {"amount": "79.00", "currency": "CNY"}}, second]},
        format="json",
    )
    assert response.status_code == 200, response.content
    prices = {v["sku"]: v["price"]["amount"] for v in response.json()["variants"]}
    assert prices == {"KETTLE-17": "79.00", "KETTLE-17-W": "89.00"}
    retire = client.patch(
        f"{URL}{body['id']}/", {"variants": [{"sku": "KETTLE-17-W", "is_active": False}]}, format="json"
    )
    assert [v["is_active"] for v in retire.json()["variants"]] == [True, False]


def test_translations_are_validated(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    ok = product_payload(
        translations={"ru": {"title": "Электрочайник"}, "zh": {"title": "电水壶", "description": "不锈钢"}}
    )
    assert client.post(URL, ok, format="json").status_code == 201
    bad = product_payload(title="x", translations={"de": {"title": "Wasserkocher"}}, variants=[])
    response = client.post(URL, {**bad, "status": "draft"}, format="json")
    assert response.status_code == 400 and "translations" in response.json()["errors"]


def test_delete_removes_product_and_variants(cast, client_for) -> None:
    client = client_for(cast.owner_a)
    product_id = client.post(URL, product_payload(), format="json").json()["id"]
    assert client.delete(f"{URL}{product_id}/").status_code == 204
    assert not Product.objects.filter(pk=product_id).exists()
    assert not ProductVariant.objects.filter(sku="KETTLE-17").exists()
    assert client.get(f"{URL}{product_id}/").status_code == 404


def test_search_filter_order_and_paginate_a_big_catalog(cast, client_for) -> None:
    for index in range(45):
        status = ProductStatus.DRAFT if index % 3 == 0 else ProductStatus.ACTIVE
        product = ProductFactory(seller=cast.seller_a, title=f"Cable {index:02d}", status=status)
        VariantFactory(product=product, sku=f"CBL-{index:03d}")
    VariantFactory(product=ProductFactory(seller=cast.seller_a, title="Thermos"), sku="TH-500")
    client = client_for(cast.owner_a)
    first = client.get(URL, {"page_size": 20}).json()
    assert first["count"] == 46 and len(first["results"]) == 20 and first["next"]
    assert [row["title"] for row in client.get(URL, {"q": "TH-5"}).json()["results"]] == ["Thermos"]
    assert client.get(URL, {"q": "cable 1"}).json()["count"] == 10
    assert client.get(URL, {"status": "draft"}).json()["count"] == 15
    ordered = client.get(URL, {"ordering": "title", "page_size": 3}).json()["results"]
    assert [row["title"] for row in ordered] == ["Cable 00", "Cable 01", "Cable 02"]


def test_a_product_with_stock_is_archived_not_deleted(cast, client_for) -> None:
    from warehouses.tests.factories import stock_with

    client = client_for(cast.owner_a)
    body = client.post(URL, product_payload(), format="json").json()
    stock_with(variant=ProductVariant.objects.get(pk=body["variants"][0]["id"]), on_hand=5)
    response = client.delete(f"{URL}{body['id']}/")
    assert response.status_code == 409 and response.json()["code"] == "product_in_use"
    assert Product.objects.filter(pk=body["id"]).exists()
    assert client.patch(f"{URL}{body['id']}/", {"status": "archived"}, format="json").json()["status"] == "archived"
