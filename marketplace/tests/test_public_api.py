"""The public catalog: only active goods, filters, Accept-Language, in_stock, the category tree."""

import pytest
from rest_framework.test import APIClient

from marketplace.models import Category
from marketplace.tests.factories import ProductFactory, VariantFactory
from warehouses.tests.factories import stock_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(cast):  # type: ignore[no-untyped-def]
    kettle = ProductFactory(
        seller=cast.seller_a,
        title="Electric kettle",
        description="Stainless steel",
        category=Category.objects.get(slug="household"),
        translations={
            "ru": {"title": "Электрочайник", "description": "Нержавеющая сталь"},
            "zh": {"title": "电水壶"},
            "en": {"title": "Electric kettle 1.7 l"},
        },
    )
    VariantFactory(product=kettle, sku="K-1", price=_money("89.00", "CNY"))
    VariantFactory(product=kettle, sku="K-2", price=_money("79.00", "CNY"))
    VariantFactory(product=kettle, sku="K-3", price=_money("9.00", "CNY"), is_active=False)
    apricots = ProductFactory(
        seller=cast.seller_b, title="Dried apricots", origin_country="UZ", category=Category.objects.get(slug="food")
    )
    VariantFactory(product=apricots, sku="SO-1", price=_money("68000.00", "UZS"))
    draft = ProductFactory(seller=cast.seller_a, title="Secret prototype", status="draft")
    VariantFactory(product=draft, sku="D-1")
    return {"kettle": kettle, "apricots": apricots, "draft": draft}


def _money(amount: str, currency: str):  # type: ignore[no-untyped-def]
    from djmoney.money import Money

    return Money(amount, currency)


def _titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["title"] for row in response.json()["results"]]


def test_anyone_sees_active_products_with_seller_lowest_price_and_no_delivery_yet(shelf) -> None:
    response = APIClient().get("/api/v1/products/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {shelf["kettle"].pk, shelf["apricots"].pk}
    kettle = rows[shelf["kettle"].pk]
    assert kettle["price"] == {"amount": "79.00", "currency": "CNY"}  # the retired 9.00 variant does not count
    assert kettle["seller"] == {"id": shelf["kettle"].seller_id, "display_name": "Yiwu Digital", "country": "CN"}
    assert kettle["delivery"] is None and kettle["in_stock"] is False and kettle["image"] is None
    assert APIClient().get(f"/api/v1/products/{shelf['draft'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "apricot"}, ["Dried apricots"]),
        ({"q": "чайник"}, ["Electric kettle 1.7 l"]),
        ({"q": "K-2"}, ["Electric kettle 1.7 l"]),
        ({"q": "prototype"}, []),
        ({"category": "food"}, ["Dried apricots"]),
        ({"origin_country": "uz"}, ["Dried apricots"]),
    ],
)
def test_filters(shelf, params, expected) -> None:
    assert _titles(APIClient().get("/api/v1/products/", params)) == expected


def test_seller_filter(shelf, cast) -> None:
    response = APIClient().get("/api/v1/products/", {"seller": cast.seller_b.pk})
    assert _titles(response) == ["Dried apricots"]
    assert APIClient().get("/api/v1/products/", {"seller": "x"}).status_code == 400


@pytest.mark.parametrize("seller", ["²", "1" * 23, "-1", "0", "1.5", "٣"])
def test_a_seller_filter_that_is_no_id_is_a_400_naming_it(shelf, seller) -> None:
    response = APIClient().get("/api/v1/products/", {"seller": seller})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["seller"]


@pytest.mark.parametrize(
    ("header", "title", "description"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "Электрочайник", "Нержавеющая сталь"),
        ("zh-CN,zh;q=0.9", "电水壶", "Stainless steel"),  # no Chinese description: seller's own words
        ("kk", "Electric kettle 1.7 l", "Stainless steel"),  # no Kazakh: English, then the original
        ("de-DE, fr;q=0.5", "Electric kettle 1.7 l", "Stainless steel"),
        ("", "Electric kettle 1.7 l", "Stainless steel"),
    ],
)
def test_accept_language_picks_the_translation_with_fallback(shelf, header, title, description) -> None:
    response = APIClient().get(f"/api/v1/products/{shelf['kettle'].pk}/", HTTP_ACCEPT_LANGUAGE=header)
    assert (response.json()["title"], response.json()["description"]) == (title, description)


def test_lang_parameter_overrides_the_header(shelf) -> None:
    response = APIClient().get("/api/v1/products/", {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="zh")
    assert "Электрочайник" in _titles(response)
    assert response["Content-Language"] == "ru"


def test_in_stock_follows_available_units(shelf) -> None:
    kettle = shelf["kettle"]
    variant = kettle.variants.get(sku="K-1")
    stock_with(variant=variant, on_hand=2, reserved=2)  # everything promised to orders
    detail = APIClient().get(f"/api/v1/products/{kettle.pk}/").json()
    assert detail["in_stock"] is False
    assert {v["sku"]: v["in_stock"] for v in detail["variants"]} == {"K-1": False, "K-2": False}
    stock_with(variant=kettle.variants.get(sku="K-2"), on_hand=3)
    detail = APIClient().get(f"/api/v1/products/{kettle.pk}/").json()
    assert detail["in_stock"] is True
    assert {v["sku"]: v["in_stock"] for v in detail["variants"]} == {"K-1": False, "K-2": True}
    assert "on_hand" not in str(detail)  # availability, never warehouse counts
    listed = {row["id"]: row["in_stock"] for row in APIClient().get("/api/v1/products/").json()["results"]}
    assert listed == {kettle.pk: True, shelf["apricots"].pk: False}


def test_category_tree_in_the_callers_language(categories) -> None:
    household = Category.objects.get(slug="household")
    Category.objects.create(slug="kitchen", name="Kitchen", parent=household, name_translations={"ru": "Кухня"})
    tree = APIClient().get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="ru").json()
    node = next(node for node in tree if node["slug"] == "household")
    assert node["name"] == "Товары для дома" and node["parent"] is None
    assert node["children"] == [{"slug": "kitchen", "name": "Кухня", "parent": "household", "children": []}]
    assert len(tree) == 8
