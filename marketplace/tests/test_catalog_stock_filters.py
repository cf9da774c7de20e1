"""``ship_to`` and ``in_stock`` list the same products as before the stock rows carried their product.

The catalog now asks the stock row's own ``product`` and ``is_available`` (warehouses 0005) and
leaves out retired variants and closed warehouses by anti-joins. These tests hold it to the
definition it replaced, written out here as the old join (stock → variant → product, active
variant, ``on_hand > reserved``, active warehouse): after each change a buyer could notice
(the last unit reserved, released, shipped, counted away, received again; a variant retired and
brought back; a warehouse closed and reopened), the list, its count and its facets name exactly
the products that definition names.
"""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from rest_framework.test import APIClient

from marketplace.models import Product, ProductStatus, ProductVariant
from marketplace.tests.factories import ProductFactory, VariantFactory
from warehouses.models import Stock, Warehouse
from warehouses.reservations import Allocation, ReservationLine
from warehouses.services import (
    CountedRow,
    stock_adjust,
    stock_count_book,
    stock_plan,
    stock_receive,
    stock_release,
    stock_reserve,
    stock_ship,
    stock_take,
)
from warehouses.transport.models import DeliveryEstimate

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

URL = "/api/v1/products/"
REQUESTS = [{"in_stock": "true"}, {"ship_to": "KZ"}, {"ship_to": "UZ"}, {"ship_to": "UZ", "in_stock": "true"}]


def _old_definition(params: dict[str, str]) -> set[int]:
    """The products the catalog listed before warehouses 0005: the join through the variants."""
    available = Stock.objects.filter(
        variant__product=OuterRef("pk"),
        variant__is_active=True,
        on_hand__gt=F("reserved"),
        warehouse__is_active=True,
    )
    if "ship_to" in params:
        hubs = DeliveryEstimate.objects.filter(destination_country=params["ship_to"]).values("origin_hub_id")
        available = available.filter(warehouse__hub_id__in=hubs)
    listed = Product.objects.filter(status=ProductStatus.ACTIVE, seller__suspended_at__isnull=True)
    return set(listed.filter(Exists(available)).values_list("pk", flat=True))


def _listed(params: dict[str, str]) -> tuple[set[int], int, int]:
    """The products on the page, the count, and the count the category facet adds up to."""
    response = APIClient().get(URL, {**params, "page_size": "100"})
    assert response.status_code == 200, response.content
    body = response.json()
    facet_total = sum(row["count"] for row in body["facets"]["category"])
    return {row["id"] for row in body["results"]}, body["count"], facet_total


def _assert_same_as_before(moment: str) -> None:
    for params in REQUESTS:
        ids, count, facet_total = _listed(params)
        expected = _old_definition(params)
        assert ids == expected, (moment, params)
        assert count == facet_total == len(expected), (moment, params)


@pytest.fixture
def kettle_k2(shelf) -> Iterator[ProductVariant]:  # type: ignore[no-untyped-def]
    """The kettle's stocked variant (5 units at LYG, which reaches KZ and UZ)."""
    yield ProductVariant.objects.get(sku="K-2")


def test_the_shelf_lists_what_the_old_definition_lists(shelf) -> None:
    _assert_same_as_before("as seeded")
    assert _listed({"in_stock": "true"})[0] == {shelf.kettle.pk, shelf.apricots.pk, shelf.flour.pk}
    assert _listed({"ship_to": "KZ"})[0] == {shelf.kettle.pk, shelf.flour.pk}


def test_the_last_units_reserved_released_shipped_and_received(shelf) -> None:
    flour = ProductVariant.objects.get(sku="FL-1")  # 9 units at ALA: the flour's only stock
    ala = shelf.warehouses["ALA"]
    stock_reserve(lines=[ReservationLine(flour.pk, 8)], destination_country="KZ", reference="R-1")
    _assert_same_as_before("one unit left")
    assert shelf.flour.pk in _listed({"ship_to": "KZ"})[0]

    stock_reserve(lines=[ReservationLine(flour.pk, 1)], destination_country="KZ", reference="R-2")
    _assert_same_as_before("all reserved")
    assert shelf.flour.pk not in _listed({"ship_to": "KZ"})[0]
    assert shelf.flour.pk not in _listed({"in_stock": "true"})[0]

    stock_release(allocations=[Allocation(flour.pk, ala.pk, "ALA", 1)], reference="R-2")
    _assert_same_as_before("one released")
    assert shelf.flour.pk in _listed({"in_stock": "true"})[0]

    with transaction.atomic():  # the checkout's path: plan, then one conditional update per row
        stock_take(plan=stock_plan(lines=[ReservationLine(flour.pk, 1)], destination_country="KZ"), reference="R-3")
    _assert_same_as_before("taken by the checkout")
    assert shelf.flour.pk not in _listed({"ship_to": "KZ"})[0]

    stock_ship(allocations=[Allocation(flour.pk, ala.pk, "ALA", 9)], reference="R-1+R-3")
    _assert_same_as_before("shipped: nothing on hand")
    assert Stock.objects.get(variant=flour).on_hand == 0

    stock_receive(variant_id=flour.pk, warehouse_id=ala.pk, quantity=4, reference="IN-1")
    _assert_same_as_before("received again")
    assert shelf.flour.pk in _listed({"ship_to": "KZ"})[0]


def test_stock_counted_and_adjusted_away_and_back(shelf) -> None:
    apricots = Stock.objects.get(variant__sku="SO-1")  # 7 at TAS: reaches UZ only
    stock_adjust(stock=apricots, delta=-7, reason="Crushed pallet", actor=None)
    _assert_same_as_before("adjusted to zero")
    assert shelf.apricots.pk not in _listed({"ship_to": "UZ"})[0]

    stock_count_book(rows=[CountedRow(apricots.pk, counted=2, on_hand_when_counted=0)], reference="CC-1")
    _assert_same_as_before("found in a count")
    assert shelf.apricots.pk in _listed({"ship_to": "UZ", "in_stock": "true"})[0]


def test_a_retired_variant_stops_listing_its_product_until_it_is_back(shelf, kettle_k2) -> None:
    # Retired by a plain update, as a bulk import does: nothing but the variant row changes.
    ProductVariant.objects.filter(pk=kettle_k2.pk).update(is_active=False)
    _assert_same_as_before("K-2 retired")
    assert shelf.kettle.pk not in _listed({"in_stock": "true"})[0]
    assert shelf.kettle.pk not in _listed({"ship_to": "KZ"})[0]
    ordered = APIClient().get(URL, {"ship_to": "KZ", "ordering": "fastest"}).json()
    assert [row["id"] for row in ordered["results"]] == [shelf.flour.pk]

    # Another variant of the kettle with units keeps it listed, the retired one's stock still aside.
    stock_receive(
        variant_id=ProductVariant.objects.get(sku="K-1").pk,
        warehouse_id=shelf.warehouses["ALA"].pk,
        quantity=2,
        reference="IN-2",
    )
    _assert_same_as_before("K-1 received at ALA")
    assert shelf.kettle.pk in _listed({"ship_to": "UZ"})[0]

    ProductVariant.objects.filter(sku="K-1").update(is_active=False)
    ProductVariant.objects.filter(pk=kettle_k2.pk).update(is_active=True)
    _assert_same_as_before("K-1 retired, K-2 back")
    row = next(r for r in APIClient().get(URL, {"ship_to": "KZ"}).json()["results"] if r["id"] == shelf.kettle.pk)
    # Only K-2's stock counts again: at LYG, the slow route, not K-1's units at ALA.
    assert (row["in_stock"], row["delivery"]["days_max"]) == (True, 12)


def test_a_closed_warehouse_stops_listing_what_only_it_holds(shelf) -> None:
    Warehouse.objects.filter(pk=shelf.warehouses["TAS"].pk).update(is_active=False)
    _assert_same_as_before("TAS closed")
    assert shelf.apricots.pk not in _listed({"in_stock": "true"})[0]
    assert shelf.apricots.pk not in _listed({"ship_to": "UZ"})[0]

    Warehouse.objects.filter(pk=shelf.warehouses["TAS"].pk).update(is_active=True)
    _assert_same_as_before("TAS reopened")
    assert shelf.apricots.pk in _listed({"in_stock": "true"})[0]


def test_stock_rows_carry_their_variants_product_and_availability(shelf) -> None:
    """Every row created by a receipt names its variant's product; ``is_available`` follows the counts."""
    product = ProductFactory(seller=shelf.sellers["almaty"], title="Buckwheat")
    variants = [VariantFactory(product=product, sku=f"BW-{n}") for n in range(2)]
    stock = stock_receive(
        variant_id=variants[1].pk, warehouse_id=shelf.warehouses["ALA"].pk, quantity=1, reference="IN"
    )
    assert (stock.product_id, stock.is_available) == (product.pk, True)
    stock_reserve(lines=[ReservationLine(variants[1].pk, 1)], destination_country="KZ", reference="R")
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.is_available) == (1, 1, False)
    mismatched = Stock.objects.exclude(product_id=F("variant__product_id"))
    assert not mismatched.exists()
