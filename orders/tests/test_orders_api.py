"""Placing, paying, cancelling and following orders through the HTTP API."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderShipment, Payment, Refund
from orders.services import cart_item_add, orders_expire_due
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS
from warehouses.models import OutboundStatus, Stock
from warehouses.services import (
    outbound_shipment_dispatch,
    outbound_shipment_event_add,
    outbound_shipment_pack,
    outbound_shipment_pick,
)

BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"}


@pytest.fixture
def buyer(make_user):  # type: ignore[no-untyped-def]
    return make_user(email="buyer@example.com", preferred_language="ru")


@pytest.fixture
def full_cart(buyer, market):  # type: ignore[no-untyped-def]
    cart = cart_get_or_create(user=buyer)
    for variant, quantity in ((market.a_urc, 1), (market.a_lyg, 2), (market.b_urc, 1), (market.b_lyg, 3)):
        cart_item_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def reserved_units() -> int:
    return sum(Stock.objects.values_list("reserved", flat=True))


def place(client, key: str = "order-1", body: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/orders/", body or BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db(transaction=True)
def test_place_reserves_stock_and_creates_the_split_order(client_for, buyer, full_cart, market) -> None:  # type: ignore[no-untyped-def]
    response = place(client_for(buyer))
    assert response.status_code == 201, response.data
    body = response.data
    assert body["status"] == "pending_payment"
    assert body["payment"]["provider"] == "offline"
    assert body["payment"]["client_secret"] is None and body["payment"]["status"] == "pending"
    assert body["payment"]["amount"] == body["totals"]["total"] and body["payment"]["retryable"] is False
    assert len(body["items"]) == 4
    assert {(s["seller"], s["warehouse"]) for s in body["shipments"]} == {
        (market.seller_a.pk, "URC"),
        (market.seller_a.pk, "LYG"),
        (market.seller_b.pk, "URC"),
        (market.seller_b.pk, "LYG"),
    }
    order = Order.objects.get(pk=body["id"])
    # The year the order was placed in, not the year when this line runs (they differ across New Year).
    assert body["number"] == f"KRV-{order.placed_at:%Y}-{order.pk:06d}"
    assert timedelta(minutes=29) < order.reserved_until - order.placed_at <= timedelta(minutes=30)
    assert reserved_units() == 7
    assert OrderShipment.objects.filter(order=order, outbound_shipment__status=OutboundStatus.PENDING).count() == 4
    line = order.lines.get(variant=market.a_urc)
    assert line.unit_price_seller.amount == 350 and line.exchange_rate > 0 and line.exchange_rate_ids
    assert full_cart.items.count() == 0  # the cart is cleared
    # The "placed" email went out in Russian (the buyer's language).
    (email,) = mail.outbox
    assert email.to == ["buyer@example.com"]
    assert "оформлен" in email.subject and order.number in email.subject
    assert email.alternatives and order.number in email.alternatives[0][0]


def test_same_key_replays_and_another_body_is_409(client_for, buyer, full_cart) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    first = place(client, key="k-1")
    assert first.status_code == 201
    again = place(client, key="k-1")
    assert again.status_code == 201
    assert again.data["id"] == first.data["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = place(client, key="k-1", body={**BODY, "preference": "fastest"})
    assert other.status_code == 409
    assert other.data["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert reserved_units() == 7


def test_insufficient_stock_changes_nothing(client_for, buyer, full_cart, market) -> None:  # type: ignore[no-untyped-def]
    cart_item_add(cart=full_cart, variant_id=market.b_urc.pk, quantity=60)  # 61 wanted, 40 on hand
    response = place(client_for(buyer))
    assert response.status_code == 409
    assert response.data["code"] == "insufficient_stock"
    assert set(response.data["errors"]) == {str(market.b_urc.pk)}
    assert Order.objects.count() == 0
    assert reserved_units() == 0
    assert full_cart.items.count() == 4


def test_insufficient_stock_speaks_the_callers_language(client_for, buyer, full_cart, market) -> None:  # type: ignore[no-untyped-def]
    # Accept-Language decides, not the buyer's saved language: an API client reads what it asks for.
    cart_item_add(cart=full_cart, variant_id=market.b_urc.pk, quantity=60)  # 61 wanted, 40 on hand
    client = client_for(buyer)
    russian = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="ru", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.status_code == 409
    assert russian.data["code"] == "insufficient_stock"  # the contract's code stays English
    assert russian.data["detail"] == "Недостаточно остатка по некоторым товарам."
    assert russian.data["errors"] == {str(market.b_urc.pk): ["Доступно только 40."]}
    chinese = client.post(
        "/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="zh", HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert chinese.data["errors"] == {str(market.b_urc.pk): ["仅有 40 件可用。"]}
    english = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="en")
    assert english.data["detail"] == "Not enough stock for some items."
    assert english.data["errors"] == {str(market.b_urc.pk): ["Only 40 available."]}
    assert Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_pay_then_follow_the_shipments_to_delivery(client_for, buyer, full_cart) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    order_id = place(client).data["id"]
    paid = client.post(f"/api/v1/orders/{order_id}/pay/")
    assert paid.status_code == 200, paid.data
    assert paid.data["status"] == "allocated"
    assert paid.data["payment"]["status"] == "succeeded"
    assert {s["status"] for s in paid.data["shipments"]} == {"ready"}
    assert client.post(f"/api/v1/orders/{order_id}/pay/").status_code == 200  # paying twice does nothing twice
    assert OrderEvent.objects.filter(order_id=order_id, code="paid").count() == 1
    assert Payment.objects.get(order_id=order_id).status == "succeeded"

    order = Order.objects.get(pk=order_id)
    outbounds = [s.outbound_shipment for s in order.shipments.select_related("outbound_shipment")]
    first = outbounds[0]
    outbound_shipment_pick(shipment=first)
    assert client.get(f"/api/v1/orders/{order_id}/").data["status"] == "in_fulfilment"
    for outbound in outbounds:
        if outbound.pk != first.pk:
            outbound_shipment_pick(shipment=outbound)
        outbound_shipment_pack(shipment=outbound)
        outbound_shipment_dispatch(shipment=outbound, carrier_ref="TIR-XK-123", location="Urumqi")
    detail = client.get(f"/api/v1/orders/{order_id}/").data
    assert detail["status"] == "shipped"
    assert client.post(f"/api/v1/orders/{order_id}/cancel/").status_code == 409  # after dispatch

    outbound_shipment_event_add(shipment=first, code="border_crossing", location="Khorgos", note="Crossed into KZ")
    for outbound in outbounds:
        outbound_shipment_event_add(shipment=outbound, code="delivered", location="Almaty")
    detail = client.get(f"/api/v1/orders/{order_id}/").data
    assert detail["status"] == "delivered"
    codes = [row["code"] for row in detail["tracking"]]
    assert codes[0] == "placed"
    assert {"paid", "allocated", "in_fulfilment", "shipped", "delivered", "border_crossing"} <= set(codes)
    assert any(row["location"] == "Khorgos" for row in detail["tracking"])
    subjects = [email.subject for email in mail.outbox]
    assert len(subjects) == 4  # placed, paid, shipped, delivered: each once
    assert any("доставлен" in subject for subject in subjects)


@pytest.mark.django_db(transaction=True)
def test_cancel_before_payment_releases_stock(client_for, buyer, full_cart) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    order_id = place(client).data["id"]
    assert reserved_units() == 7
    response = client.post(f"/api/v1/orders/{order_id}/cancel/")
    assert response.status_code == 200
    assert response.data["status"] == "cancelled"
    assert response.data["payment"]["status"] == "cancelled"
    assert reserved_units() == 0
    assert client.post(f"/api/v1/orders/{order_id}/cancel/").status_code == 200  # harmless twice
    assert reserved_units() == 0
    assert client.post(f"/api/v1/orders/{order_id}/pay/").status_code == 409
    assert not Refund.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_cancel_after_payment_refunds_once(client_for, buyer, full_cart) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    order_id = place(client).data["id"]
    client.post(f"/api/v1/orders/{order_id}/pay/")
    response = client.post(f"/api/v1/orders/{order_id}/cancel/")
    assert response.status_code == 200
    assert response.data["status"] == "refunded"
    assert reserved_units() == 0
    refund = Refund.objects.get()
    assert refund.status == "succeeded"
    assert refund.amount == Order.objects.get(pk=order_id).total
    assert Payment.objects.get(order_id=order_id).status == "refunded"
    client.post(f"/api/v1/orders/{order_id}/cancel/")
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_expiry_releases_stock_once_and_payment_then_fails(client_for, buyer, full_cart) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    order_id = place(client).data["id"]
    later = timezone.now() + timedelta(minutes=31)
    assert orders_expire_due(now=timezone.now()) == 0  # not due yet
    assert orders_expire_due(now=later) == 1
    assert orders_expire_due(now=later) == 0  # a second beat finds nothing
    assert reserved_units() == 0
    assert Order.objects.get(pk=order_id).status == "expired"
    response = client.post(f"/api/v1/orders/{order_id}/pay/")
    assert response.status_code == 409
    assert response.data["code"] == "order_not_payable"
    assert response.data["current_status"] == "expired"


def test_offline_pay_refused_when_another_provider_is_configured(client_for, buyer, full_cart, settings) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    order_id = place(client).data["id"]
    settings.PAYMENT_PROVIDER = "stripe"
    response = client.post(f"/api/v1/orders/{order_id}/pay/")
    assert response.status_code == 409
    assert response.data["code"] == "manual_payment_not_allowed"
    assert Order.objects.get(pk=order_id).status == "pending_payment"


def test_livestream_orders_hold_stock_for_less_time(client_for, make_user, market) -> None:  # type: ignore[no-untyped-def]
    from marketplace.tests.live_factories import offer_for, stream_for

    stream = stream_for(seller=market.seller_a)
    offer_for(stream=stream, variant=market.a_lyg, price="99.00")
    buyer = make_user(email="viewer@example.com")  # no language set: emails in English
    cart = cart_get_or_create(user=buyer)
    cart_item_add(cart=cart, variant_id=market.a_lyg.pk, quantity=1, livestream_id=stream.pk)
    response = place(client_for(buyer))
    assert response.status_code == 201, response.data
    order = Order.objects.get(pk=response.data["id"])
    assert order.is_livestream
    assert order.reserved_until - order.placed_at == timedelta(minutes=10)
    assert response.data["items"][0]["livestream"] == stream.pk
    assert response.data["items"][0]["live_price"] is True


def test_a_stream_without_a_live_price_keeps_the_normal_hold(client_for, make_user, market) -> None:  # type: ignore[no-untyped-def]
    """A line from a stream whose offer does not apply pays the list price and keeps the 30-minute hold."""
    from marketplace.tests.live_factories import stream_for

    stream = stream_for(seller=market.seller_a)
    buyer = make_user(email="viewer2@example.com")
    cart_item_add(cart=cart_get_or_create(user=buyer), variant_id=market.a_lyg.pk, quantity=1, livestream_id=stream.pk)
    response = place(client_for(buyer))
    assert response.status_code == 201, response.data
    order = Order.objects.get(pk=response.data["id"])
    assert not order.is_livestream
    assert order.reserved_until - order.placed_at == timedelta(minutes=30)
    assert response.data["items"][0]["live_price"] is False


def test_payment_confirm_checks_the_amount_and_applies_once(client_for, buyer, full_cart) -> None:  # type: ignore[no-untyped-def]
    from core.money import Money
    from orders.exceptions import PaymentAmountMismatch
    from orders.services import payment_confirm

    order = Order.objects.get(pk=place(client_for(buyer)).data["id"])
    payment = Payment.objects.get(order=order)
    with pytest.raises(PaymentAmountMismatch):
        payment_confirm(payment=payment, provider_reference="ch_1", amount=Money(1, order.currency))
    assert Order.objects.get(pk=order.pk).status == "pending_payment"
    for _ in range(2):  # a webhook delivered twice
        payment_confirm(payment=payment, provider_reference="ch_1", amount=payment.amount)
    order.refresh_from_db()
    assert order.status == "allocated" and order.paid_at is not None
    assert OrderEvent.objects.filter(order=order, code="paid").count() == 1
    assert reserved_units() == 7  # paying keeps the reservation for the warehouses to pick


@pytest.mark.parametrize("body", ["[]", "null", "1", '"s"', '{"reason": []}', '{"reason": {"a": 1}}'])
def test_cancel_with_a_body_of_the_wrong_shape_is_a_400_and_cancels_nothing(client_for, buyer, full_cart, body) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    order_id = place(client).data["id"]
    response = client.post(f"/api/v1/orders/{order_id}/cancel/", data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["errors"]
    assert Order.objects.get(pk=order_id).status == "pending_payment"
    assert reserved_units() == 7
    response = client.post(
        f"/api/v1/orders/{order_id}/cancel/", {"reason": "Ordered twice"}, format="json"
    )  # the same order, asked properly
    assert response.status_code == 200 and response.data["status"] == "cancelled"
