"""Buying live: the live price while the offer is valid, the list price (and why) when not, caps and limits."""

from datetime import datetime, timedelta

import pytest
import time_machine

from marketplace.models import LiveOffer
from marketplace.services.livestreams import livestream_end
from marketplace.tests.live_factories import offer_for, stream_for
from orders.models import CartItem, Order, OrderLine
from orders.services import cart_item_add, live_offers_release, order_cancel, orders_expire_due
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS
from warehouses.models import Stock

pytestmark = pytest.mark.django_db

BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"}
T0 = datetime.fromisoformat("2026-11-11T12:00:00+00:00")  # Singles' Day, the busiest live-selling day


@pytest.fixture
def buyer(make_user):  # type: ignore[no-untyped-def]
    return make_user(email="viewer@example.com", preferred_currency="CNY")


@pytest.fixture
def live(market):  # type: ignore[no-untyped-def]
    """Seller A live since T0 with seller A's Lianyungang variant (list 120.50 CNY) at 50 CNY, cap 5, 2 per buyer."""
    stream = stream_for(seller=market.seller_a, at=T0)
    offer = offer_for(stream=stream, variant=market.a_lyg, price="50.00", cap=5, per_buyer=2)
    return stream, offer


def cart_line(client):  # type: ignore[no-untyped-def]
    (item,) = client.get("/api/v1/cart/?currency=CNY").data["items"]
    return item


def test_live_price_during_the_stream_and_the_grace_then_the_list_price(client_for, buyer, market, live) -> None:  # type: ignore[no-untyped-def]
    stream, _offer = live
    client = client_for(buyer)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        added = client.post(
            "/api/v1/cart/items/", {"variant": market.a_lyg.pk, "quantity": 1, "livestream": stream.pk}, format="json"
        )
        assert added.status_code == 201
        item = cart_line(client)
        assert item["unit_price"] == {"amount": "50.00", "currency": "CNY"}
        assert (item["live_price"], item["live_offer"]["status"]) == (True, "live")
    with time_machine.travel(T0 + timedelta(minutes=60), tick=False):
        livestream_end(stream=stream, ended_by="seller")
    with time_machine.travel(T0 + timedelta(minutes=74), tick=False):  # 14 minutes into the 15-minute grace
        assert cart_line(client)["unit_price"] == {"amount": "50.00", "currency": "CNY"}
    with time_machine.travel(T0 + timedelta(minutes=76), tick=False):
        item = cart_line(client)
        assert item["unit_price"] == {"amount": "120.50", "currency": "CNY"}
        assert item["live_price"] is False
        assert item["live_offer"]["status"] == "ended"
        assert "list price applies" in item["live_offer"]["message"]
        quote = client.post("/api/v1/checkout/quote/", BODY, format="json")
        assert quote.data["items"][0]["live_offer"]["status"] == "ended"
        placed = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="after-grace")
        assert placed.status_code == 201, placed.data
        assert placed.data["items"][0]["price_in_seller_currency"] == {"amount": "120.50", "currency": "CNY"}
        assert placed.data["items"][0]["live_price"] is False
    assert LiveOffer.objects.get(stream=stream).sold == 0


def test_list_price_before_the_stream_starts(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    stream = stream_for(seller=market.seller_a, status="scheduled", at=T0 + timedelta(hours=1))
    offer_for(stream=stream, variant=market.a_lyg, price="50.00")
    client = client_for(buyer)
    with time_machine.travel(T0, tick=False):
        cart_item_add(
            cart=cart_get_or_create(user=buyer), variant_id=market.a_lyg.pk, quantity=1, livestream_id=stream.pk
        )
        item = cart_line(client)
    assert item["unit_price"] == {"amount": "120.50", "currency": "CNY"}
    assert item["live_offer"]["status"] == "not_started"


def test_per_buyer_limit_holds_across_two_orders(client_for, buyer, market, live) -> None:  # type: ignore[no-untyped-def]
    stream, offer = live
    client = client_for(buyer)
    line = {"variant": market.a_lyg.pk, "livestream": stream.pk}
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert client.post("/api/v1/cart/items/", {**line, "quantity": 2}, format="json").status_code == 201
        item_id = cart_line(client)["id"]
        assert client.patch(f"/api/v1/cart/items/{item_id}/", {"quantity": 3}, format="json").status_code == 400
        first = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="first")
        assert first.status_code == 201 and first.data["items"][0]["live_price"] is True
        more = client.post("/api/v1/cart/items/", {**line, "quantity": 1}, format="json")
        assert more.status_code == 400
        assert "At most 0 more" in more.data["errors"]["quantity"][0]
        # A line that slipped past the cart (two devices, one cart each moment) is refused at placement.
        CartItem.objects.create(
            cart=cart_get_or_create(user=buyer), variant=market.a_lyg, quantity=1, livestream=stream.pk
        )
        orders_before, reserved_before = Order.objects.count(), Stock.objects.get(variant=market.a_lyg).reserved
        second = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="second")
        assert second.status_code == 409
        assert second.data["code"] == "live_offer_limit_reached"
        assert str(market.a_lyg.pk) in second.data["errors"]
        assert (Order.objects.count(), Stock.objects.get(variant=market.a_lyg).reserved) == (
            orders_before,
            reserved_before,
        )
        # Cancelling the first order gives the buyer's allowance (and the cap) back.
        order_cancel(order=Order.objects.get(pk=first.data["id"]), actor=buyer)
        third = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="third")
        assert third.status_code == 201, third.data
    offer.refresh_from_db()
    assert offer.sold == 1


def test_expiry_returns_the_quantity_to_the_cap_once(client_for, buyer, market, live) -> None:  # type: ignore[no-untyped-def]
    stream, offer = live
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        cart_item_add(
            cart=cart_get_or_create(user=buyer), variant_id=market.a_lyg.pk, quantity=2, livestream_id=stream.pk
        )
        placed = client_for(buyer).post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="x")
        assert placed.status_code == 201
    order = Order.objects.get(pk=placed.data["id"])
    assert order.reserved_until - order.placed_at == timedelta(minutes=10)  # livestream orders hold less
    offer.refresh_from_db()
    assert (offer.sold, offer.remaining) == (2, 3)
    assert orders_expire_due(now=T0 + timedelta(minutes=14)) == 0  # still within the hold
    assert orders_expire_due(now=T0 + timedelta(minutes=16)) == 1
    offer.refresh_from_db()
    assert (offer.sold, offer.remaining) == (0, 5)
    assert OrderLine.objects.get(order=order).live_released_at is not None
    live_offers_release(order=order)  # a second release (a redelivered task) gives nothing back twice
    offer.refresh_from_db()
    assert offer.sold == 0


def test_sold_out_offer_refuses_the_order_instead_of_charging_the_list_price(client_for, buyer, market, live) -> None:  # type: ignore[no-untyped-def]
    stream, offer = live
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        cart_item_add(
            cart=cart_get_or_create(user=buyer), variant_id=market.a_lyg.pk, quantity=2, livestream_id=stream.pk
        )
        LiveOffer.objects.filter(pk=offer.pk).update(sold=4)  # other viewers were faster
        client = client_for(buyer)
        item = cart_line(client)
        assert item["live_offer"]["status"] == "sold_out"
        assert "only 1 left" in item["live_offer"]["message"]
        refused = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="late")
    assert refused.status_code == 409
    assert refused.data["code"] == "live_offer_sold_out"
    assert str(market.a_lyg.pk) in refused.data["errors"]
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=market.a_lyg).reserved == 0
