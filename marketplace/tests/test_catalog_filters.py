"""Every filter and ordering of the public catalog, alone and combined; facets; paging; bad values are 400s."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.money import Money
from orders.services.pricing import Converter

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def _get(params: dict | None = None, **headers):  # type: ignore[no-untyped-def]
    response = APIClient().get(URL, params or {}, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def _titles(body: dict) -> list[str]:
    return [row["title"] for row in body["results"]]


def _kzt(amount: str, currency: str) -> str:
    """What the checkout's converter makes of a price in tenge."""
    return str(Converter("KZT").rounded(Money(Decimal(amount), currency)).amount)


def test_rows_newest_first_with_seller_price_stock_and_no_delivery_without_ship_to(shelf) -> None:
    body = _get()
    assert _titles(body) == ["Devzira rice", "Wheat flour", "Dried apricots", "Electric kettle"]
    assert body["count"] == 4 and body["next"] is None and body["previous"] is None
    kettle = body["results"][3]
    assert kettle == {
        "id": shelf.kettle.pk,
        "title": "Electric kettle",
        "seller": {"id": shelf.sellers["yiwu"].pk, "display_name": "Yiwu Digital", "country": "CN"},
        "category": "household",
        "origin_country": "CN",
        "price": {"amount": "79.00", "currency": "CNY"},  # the lowest active variant, in the seller's currency
        "image": None,
        "in_stock": True,
        "delivery": None,
    }
    assert [row["in_stock"] for row in body["results"]] == [False, True, True, True]
    assert body["currency"] is None and body["exchange_rates"] == {}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        # In USD: rice 2.37, apricots 5.38, flour 8.91, kettle 10.97, whatever the sellers' currencies.
        ("price", ["Devzira rice", "Dried apricots", "Wheat flour", "Electric kettle"]),
        ("-price", ["Electric kettle", "Wheat flour", "Dried apricots", "Devzira rice"]),
        ("newest", ["Devzira rice", "Wheat flour", "Dried apricots", "Electric kettle"]),
    ],
)
def test_orderings_across_currencies(shelf, ordering, expected) -> None:
    assert _titles(_get({"ordering": ordering})) == expected
    assert _titles(_get({"ordering": ordering, "currency": "KZT"})) == expected


def test_prices_in_the_requested_currency_are_the_checkouts_conversion(shelf) -> None:
    body = _get({"currency": "KZT"})
    prices = {row["title"]: row["price"] for row in body["results"]}
    assert prices == {
        "Devzira rice": {"amount": _kzt("30000.00", "UZS"), "currency": "KZT"},
        "Wheat flour": {"amount": "4500.00", "currency": "KZT"},
        "Dried apricots": {"amount": _kzt("68000.00", "UZS"), "currency": "KZT"},
        "Electric kettle": {"amount": _kzt("79.00", "CNY"), "currency": "KZT"},
    }
    assert prices["Electric kettle"]["amount"] == "5540.97"  # 79 × 505 / 7.20 = 5540.972…
    assert body["currency"] == "KZT"
    assert set(body["exchange_rates"]) >= {"CNY→KZT", "UZS→KZT", "KZT→KZT"}
    assert body["exchange_rates"]["CNY→KZT"]["rate_ids"]  # the stored rate rows behind the price


def test_price_bounds_in_the_requested_currency_to_the_minor_unit(shelf) -> None:
    apricots = _kzt("68000.00", "UZS")  # 2714.62
    between = {"currency": "KZT", "min_price": "2000", "max_price": "5000"}
    assert _titles(_get(between)) == ["Wheat flour", "Dried apricots"]
    assert _titles(_get({"currency": "KZT", "max_price": apricots})) == ["Devzira rice", "Dried apricots"]
    below = str(Decimal(apricots) - Decimal("0.01"))
    assert _titles(_get({"currency": "KZT", "max_price": below})) == ["Devzira rice"]
    assert _titles(_get({"currency": "KZT", "min_price": apricots, "ordering": "price"})) == [
        "Dried apricots",
        "Wheat flour",
        "Electric kettle",
    ]
    # The same bounds in yuan: 79 CNY is the kettle's price exactly.
    assert _titles(_get({"currency": "CNY", "min_price": "79.00", "max_price": "79.00"})) == ["Electric kettle"]


def test_in_stock_keeps_products_with_available_units(shelf) -> None:
    assert _titles(_get({"in_stock": "true"})) == ["Wheat flour", "Dried apricots", "Electric kettle"]
    assert len(_get({"in_stock": "false"})["results"]) == 4  # false is "any", not "out of stock only"


def test_ship_to_gives_the_fastest_warehouse_holding_stock_and_drops_the_rest(shelf) -> None:
    body = _get({"ship_to": "KZ"})
    delivery = {row["title"]: row["delivery"] for row in body["results"]}
    assert delivery == {
        "Wheat flour": {"days_min": 1, "days_max": 3, "mode": "road"},  # from Almaty
        "Electric kettle": {"days_min": 8, "days_max": 12, "mode": "rail"},  # from Lianyungang
    }  # apricots (only in Tashkent, no estimate to KZ) and rice (no stock) cannot reach Kazakhstan
    assert body["count"] == 2
    delivery = {row["title"]: row["delivery"] for row in _get({"ship_to": "uz"})["results"]}
    assert delivery == {
        "Wheat flour": {"days_min": 4, "days_max": 7, "mode": "tir"},
        "Dried apricots": {"days_min": 1, "days_max": 3, "mode": "road"},
        "Electric kettle": {"days_min": 10, "days_max": 16, "mode": "rail"},
    }


def test_ship_to_takes_the_fastest_of_several_warehouses(shelf) -> None:
    from warehouses.tests.factories import stock_with

    stock_with(variant=shelf.kettle.variants.get(sku="K-1"), warehouse=shelf.warehouses["ALA"], on_hand=1)
    rows = {row["title"]: row["delivery"] for row in _get({"ship_to": "KZ"})["results"]}
    assert rows["Electric kettle"] == {"days_min": 1, "days_max": 3, "mode": "road"}


def test_ordering_fastest(shelf) -> None:
    assert _titles(_get({"ship_to": "UZ", "ordering": "fastest"})) == [
        "Dried apricots",
        "Wheat flour",
        "Electric kettle",
    ]
    assert _titles(_get({"ship_to": "KZ", "ordering": "fastest"})) == ["Wheat flour", "Electric kettle"]


def test_a_country_without_estimates_lists_nothing(shelf) -> None:
    assert _get({"ship_to": "MN"})["count"] == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "food"}, ["Devzira rice", "Wheat flour", "Dried apricots"]),
        ({"category": "household"}, ["Electric kettle"]),
        ({"origin_country": "uz"}, ["Devzira rice", "Dried apricots"]),
        ({"q": "kettle"}, ["Electric kettle"]),
        ({"q": "K-2"}, ["Electric kettle"]),  # an exact SKU
        ({"q": "prototype"}, []),  # drafts are never listed
    ],
)
def test_product_filters(shelf, params, expected) -> None:
    assert _titles(_get(params)) == expected


def test_seller_filter(shelf) -> None:
    assert _titles(_get({"seller": shelf.sellers["samarkand"].pk})) == ["Devzira rice", "Dried apricots"]


def test_filters_combined(shelf) -> None:
    params = {
        "category": "food",
        "ship_to": "UZ",
        "currency": "UZS",
        "in_stock": "true",
        "min_price": "50000",
        "ordering": "-price",
    }
    body = _get(params)
    assert _titles(body) == ["Wheat flour", "Dried apricots"]
    assert [row["price"]["currency"] for row in body["results"]] == ["UZS", "UZS"]
    assert body["results"][1]["price"] == {"amount": "68000.00", "currency": "UZS"}
    assert body["results"][0]["delivery"] == {"days_min": 4, "days_max": 7, "mode": "tir"}
    assert _titles(_get({**params, "origin_country": "KZ"})) == ["Wheat flour"]
    assert _titles(_get({**params, "seller": shelf.sellers["yiwu"].pk})) == []
    assert _titles(_get({"q": "apricots", "ship_to": "KZ"})) == []  # found, but cannot reach Kazakhstan


def test_facets_count_the_whole_result(shelf) -> None:
    body = _get({"page_size": 1})
    assert len(body["results"]) == 1 and body["count"] == 4
    assert body["facets"]["category"] == [
        {"slug": "food", "name": "Food", "count": 3},
        {"slug": "household", "name": "Household", "count": 1},
    ]
    assert body["facets"]["origin_country"] == [
        {"code": "UZ", "count": 2},
        {"code": "CN", "count": 1},
        {"code": "KZ", "count": 1},
    ]
    samarkand = shelf.sellers["samarkand"]
    assert body["facets"]["seller"][0] == {
        "id": samarkand.pk,
        "display_name": "Samarkand Orchards",
        "country": "UZ",
        "count": 2,
    }
    facets = _get({"ship_to": "KZ", "lang": "ru"})["facets"]
    assert facets["category"] == [
        {"slug": "food", "name": "Продукты питания", "count": 1},
        {"slug": "household", "name": "Товары для дома", "count": 1},
    ]


def test_pages_link_with_the_canonical_filters(shelf) -> None:
    first = _get({"page_size": 3, "ordering": "price", "utm_source": "mail"})
    assert first["count"] == 4 and len(first["results"]) == 3
    assert first["next"] == "http://testserver/api/v1/products/?ordering=price&page_size=3&page=2"
    second = APIClient().get(first["next"]).json()
    assert _titles(second) == ["Electric kettle"] and second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/products/?ordering=price&page_size=3"
    assert APIClient().get(URL, {"page": 3, "page_size": 3}).status_code == 404
    assert APIClient().get(URL, {"page": "x"}).status_code == 404
    assert len(_get({"page_size": 1000})["results"]) == 4  # page_size is capped at 100, as everywhere


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "cheapest"}, "ordering"),
        ({"ordering": "fastest"}, "ordering"),  # fastest to where?
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "JPY"}, "currency"),  # a real currency Karavan does not trade in
        ({"ship_to": "US"}, "ship_to"),
        ({"ship_to": "Kazakhstan"}, "ship_to"),
        ({"category": "spaceships"}, "category"),
        ({"seller": "yiwu"}, "seller"),
        ({"seller": "999999"}, "seller"),
        ({"origin_country": "XX"}, "origin_country"),
        ({"in_stock": "perhaps"}, "in_stock"),
        ({"min_price": "100"}, "min_price"),  # in which currency?
        ({"min_price": "abc", "currency": "KZT"}, "min_price"),
        ({"min_price": "-1", "currency": "KZT"}, "min_price"),
        ({"min_price": "1.234", "currency": "KZT"}, "min_price"),  # KZT has 2 decimals
        ({"max_price": "1e400", "currency": "KZT"}, "max_price"),
        ({"max_price": "NaN", "currency": "KZT"}, "max_price"),
        ({"min_price": "10", "max_price": "5", "currency": "KZT"}, "max_price"),
        ({"lang": "de"}, "lang"),
        ({"q": "x" * 201}, "q"),
        ({"q": "ket\x00tle"}, "q"),  # PostgreSQL refuses NUL in text: a 400 here, not a 500 there
        ({"category": "fo\nod"}, "category"),
        ({"category": "c" * 81}, "category"),
    ],
)
def test_an_unknown_value_is_a_400_naming_it(shelf, params, field) -> None:
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert body["detail"].startswith(field)


def test_detail_rejects_unknown_values_too(shelf) -> None:
    response = APIClient().get(f"{URL}{shelf.kettle.pk}/", {"currency": "XYZ", "ship_to": "US"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"currency", "ship_to"}


def test_drafts_and_unknown_products_are_404(shelf) -> None:
    assert APIClient().get(f"{URL}{shelf.draft.pk}/").status_code == 404
    assert APIClient().get(f"{URL}999999/").status_code == 404
    assert APIClient().get(f"{URL}{'9' * 30}/").status_code == 404  # not a database error


def test_price_bounds_survive_a_reference_price_not_yet_refreshed(shelf) -> None:
    """New rates are used at once; reference prices follow a moment later (a task): no product drops out."""
    from marketplace.models import Product

    flour = Product.objects.get(pk=shelf.flour.pk)
    Product.objects.filter(pk=flour.pk).update(price_reference=flour.price_reference * Decimal("0.97"))
    assert _titles(_get({"currency": "KZT", "min_price": "4500.00", "max_price": "4500.00"})) == ["Wheat flour"]
