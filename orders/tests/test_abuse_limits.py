"""One buyer cannot hoard stock or flood order placement (issue 17, items 1 and 2)."""

import pytest
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from orders.models import Order
from orders.services import cart_item_add
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS
from warehouses.models import Stock

pytestmark = pytest.mark.django_db

BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def _fill(user, variant, quantity: int = 1) -> None:  # type: ignore[no-untyped-def]
    cart_item_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=quantity)


def _place(client, key: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _reserved() -> int:
    return sum(Stock.objects.values_list("reserved", flat=True))


def test_unpaid_orders_per_buyer_are_limited(client_for, make_user, market, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORDER_MAX_UNPAID_PER_BUYER = 2
    buyer, other = make_user(email="hoarder@example.com"), make_user(email="other@example.com")
    client = client_for(buyer)
    placed = []
    for n in range(2):
        _fill(buyer, market.a_lyg)
        response = _place(client, f"hoard-{n}")
        assert response.status_code == 201, response.data
        placed.append(response.data["id"])
    _fill(buyer, market.a_lyg)
    reserved_before = _reserved()

    refused = _place(client, "hoard-2")

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "unpaid_orders_limit"
    assert body["limit"] == 2 and body["unpaid_orders"] == 2
    assert "ORDER_MAX_UNPAID_PER_BUYER" in body["errors"]["orders"][0]
    # Nothing written: no third order, no stock taken, the cart kept.
    assert Order.objects.filter(buyer=buyer).count() == 2
    assert _reserved() == reserved_before
    assert cart_get_or_create(user=buyer).items.count() == 1

    # Another buyer is not held back; paying an order frees a place.
    _fill(other, market.a_lyg)
    assert _place(client_for(other), "other-0").status_code == 201
    assert client.post(f"/api/v1/orders/{placed[0]}/pay/").status_code == 200
    assert _place(client, "hoard-3").status_code == 201


def test_units_held_in_unpaid_orders_are_limited(client_for, make_user, market, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORDER_MAX_RESERVED_UNITS_PER_BUYER = 5
    buyer = make_user(email="hoarder@example.com")
    client = client_for(buyer)
    _fill(buyer, market.a_lyg, 3)
    first = _place(client, "units-0")
    assert first.status_code == 201
    _fill(buyer, market.b_lyg, 3)
    reserved_before = _reserved()

    refused = _place(client, "units-1")

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "reserved_units_limit"
    assert (body["limit"], body["reserved_units"], body["requested_units"]) == (5, 3, 3)
    assert "ORDER_MAX_RESERVED_UNITS_PER_BUYER" in body["errors"]["quantity"][0]
    assert _reserved() == reserved_before and Order.objects.filter(buyer=buyer).count() == 1

    # Cancelling the first order gives its units back to the buyer's allowance.
    assert client.post(f"/api/v1/orders/{first.data['id']}/cancel/").status_code == 200
    assert _place(client, "units-2").status_code == 201


def test_order_placement_is_throttled_per_buyer_with_retry_after(client_for, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "orders", "2/min")
    buyer = client_for(make_user(email="flood@example.com"))
    # Empty carts: each attempt is cheap and refused (400), and still counts.
    statuses = [_place(buyer, f"flood-{n}").status_code for n in range(3)]
    assert statuses == [400, 400, 429]
    throttled = _place(buyer, "flood-3")
    assert throttled.json()["code"] == "throttled" and 0 < int(throttled["Retry-After"]) <= 60
    # Reading one's orders is not limited, and another buyer has an allowance of their own.
    assert buyer.get("/api/v1/orders/").status_code == 200
    assert _place(client_for(make_user(email="calm@example.com")), "calm-0").status_code == 400
