"""The catalog's query counts are constant and known: one product or twenty, the same queries.

The numbers are the whole request (cache off, as in tests): an N+1 that comes back in a serializer
or a selector fails here, and so does a new query nobody meant to add (ADR 0014).
"""

from decimal import Decimal

import pytest
from django.db import connection
from djmoney.money import Money
from rest_framework.test import APIClient

from marketplace.models import Category, ProductImage
from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory
from warehouses.tests.factories import stock_with

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
# Every list: the categories, the count with the facets, the facets' sellers, the page's ids, its
# rows, their covers (6). With a currency: the sellers' currencies and the rates' fingerprint (+2);
# with ship_to: the estimates and their warehouses (+2); a search: the SKU matches (+1), and on
# PostgreSQL the trigram threshold for the connection (+1).
LIST_QUERIES = {
    "plain": ({}, 6),
    "ship_to + currency": ({"currency": "KZT", "ship_to": "UZ", "in_stock": "true"}, 10),
    "search": ({"q": "catalog item", "currency": "USD"}, 9),
}
# The estimates and warehouses (once), the product, its images, its variants, the rates'
# fingerprint, the stock that can ship, the network's fingerprint.
DETAIL_QUERIES = 8


def add_products(shelf, count: int) -> list:  # type: ignore[no-untyped-def]
    """``count`` products titled "Catalog item", each with two variants, two images and stock."""
    food = Category.objects.get(slug="food")
    seller = SellerFactory(country="KZ", currency="KZT")
    warehouses = list(shelf.warehouses.values())
    products = []
    for number in range(count):
        product = ProductFactory(seller=seller, title=f"Catalog item {number}", category=food)
        for size in ("S", "L"):
            variant = VariantFactory(product=product, name=size, price=Money(Decimal(1000 + number), "KZT"))
            stock_with(variant=variant, warehouse=warehouses[number % len(warehouses)], on_hand=3)
        for position in (0, 1):
            ProductImage.objects.create(
                product=product,
                original=f"products/{product.pk}/{position}.jpg",
                thumbnails={"medium": {"webp": f"products/{product.pk}/{position}.webp"}},
                format="JPEG",
                width=800,
                height=600,
                status="ready",
                position=position,
            )
        products.append(product)
    return products


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("scenario", list(LIST_QUERIES))
def test_a_list_page_takes_the_same_queries_for_one_product_or_twenty(
    shelf, scenario, count, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    add_products(shelf, count)
    params, queries = LIST_QUERIES[scenario]
    client = APIClient()
    client.get(URL, {**params, "page_size": count})  # per-process tables (rates, network) are built once
    if "q" in params and connection.vendor == "postgresql":
        queries += 1
    with django_assert_num_queries(queries):
        response = client.get(URL, {**params, "page_size": count})
    rows = response.json()["results"]
    assert len(rows) == count
    assert all(row["image"] and row["image"].endswith("0.webp") for row in rows if row["title"].startswith("Catalog"))


@pytest.mark.parametrize("variants", [2, 20])
def test_a_product_page_takes_the_same_queries_for_one_variant_or_twenty(
    shelf, variants, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    (product,) = add_products(shelf, 1)
    for number in range(variants - 2):
        VariantFactory(product=product, name=f"extra {number}", price=Money(Decimal(500 + number), "KZT"))
    client = APIClient()
    url = f"{URL}{product.pk}/"
    params = {"currency": "USD", "ship_to": "UZ"}
    client.get(url, params)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url, params)
    body = response.json()
    assert len(body["variants"]) == variants
    assert len(body["images"]) == 2 and body["image"].endswith("0.webp")
