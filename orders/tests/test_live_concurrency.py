"""A live flash sale on PostgreSQL with real threads: 300 buyers, a cap of 25 below a stock of 100."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from core.services import exchange_rates_seed_offline
from marketplace.models import LiveOffer
from marketplace.tests.factories import SellerFactory
from marketplace.tests.live_factories import offer_for, stream_for
from orders.audit import audit_run
from orders.models import Cart, CartItem, Order, OrderLine
from orders.services import orders_expire_due
from orders.tests.factories import variant_in_stock
from orders.tests.test_concurrency import BODY, make_buyers
from warehouses.models import Stock
from warehouses.tests.factories import WarehouseFactory
from warehouses.transport.services import network_load_seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# PostgreSQL here allows 100 connections for every test run on the machine, and the stock flash
# sale (orders/tests/test_concurrency.py) may run beside this one on the other xdist worker.
THREADS = 10


def place_all(buyers: list[tuple[Any, str]], key: str) -> list[tuple[int, dict]]:
    def place(token: str) -> tuple[int, dict]:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            response = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
            return response.status_code, response.data
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(place, [token for _, token in buyers]))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    exchange_rates_seed_offline()
    network_load_seed()
    return SellerFactory(currency="CNY"), WarehouseFactory(code="LYG", country="CN")


def test_300_buyers_race_for_a_cap_of_25_below_a_stock_of_100(world) -> None:  # type: ignore[no-untyped-def]
    seller, warehouse = world
    variant = variant_in_stock(seller=seller, warehouse=warehouse, quantity=100, price="199.00")
    stream = stream_for(seller=seller)
    offer = offer_for(stream=stream, variant=variant, price="99.00", cap=25, per_buyer=1)
    buyers = make_buyers(300, "live")
    carts = dict(Cart.objects.filter(user__in=[user for user, _ in buyers]).values_list("user_id", "pk"))
    CartItem.objects.bulk_create(
        CartItem(cart_id=carts[user.pk], variant=variant, quantity=1, livestream=stream.pk) for user, _ in buyers
    )

    started = time.monotonic()
    results = place_all(buyers, key="live-flash")
    elapsed = time.monotonic() - started

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 25, 409: 275}, statuses
    refusals = Counter(body["code"] for status, body in results if status == 409)
    assert refusals == {"live_offer_sold_out": 275}, refusals
    assert all(str(variant.pk) in body["errors"] for status, body in results if status == 409)
    offer.refresh_from_db()
    assert (offer.sold, offer.remaining) == (25, 0)
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved, stock.available) == (100, 25, 75)
    lines = OrderLine.objects.filter(variant=variant)
    assert lines.count() == 25 and all(line.live_offer_id == offer.pk for line in lines)
    assert {str(line.unit_price_seller.amount) for line in lines} == {"99.000"}
    assert all(order.is_livestream for order in Order.objects.all())
    print(f"\nlive flash sale: 300 buyers, 25 sold, 275 refused in {elapsed:.2f} s")
    assert audit_run() == []  # manage.py audit's invariants hold after the race

    # Every unpaid order expires: the cap and the stock both get their units back, exactly once.
    assert orders_expire_due(now=timezone.now() + timedelta(minutes=11)) == 25
    offer.refresh_from_db()
    stock.refresh_from_db()
    assert (offer.sold, stock.reserved) == (0, 0)
    assert LiveOffer.objects.filter(sold__lt=0).count() == 0
