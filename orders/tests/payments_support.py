"""Helpers for the payment tests: a Stripe order placed through the API, ledger sums, paid-and-delivered orders."""

from typing import Any

from django.db.models import Sum

from core.money import to_minor_units
from orders.models import LedgerEntry, Order, Payment
from orders.services import cart_item_add
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS
from warehouses.services import (
    outbound_shipment_dispatch,
    outbound_shipment_event_add,
    outbound_shipment_pack,
    outbound_shipment_pick,
)

BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"}
WEBHOOK_URL = "/api/v1/payments/stripe/webhook/"


def fill_cart(user: Any, *lines: tuple[Any, int]) -> None:
    cart = cart_get_or_create(user=user)
    for variant, quantity in lines:
        cart_item_add(cart=cart, variant_id=variant.pk, quantity=quantity)


def place(client: Any, *, key: str = "order-1", body: dict[str, Any] | None = None) -> Any:
    return client.post("/api/v1/orders/", body or BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)


def place_order(client: Any, user: Any, market: Any, *, key: str = "order-1") -> Order:
    fill_cart(user, (market.a_urc, 1), (market.b_urc, 2))
    response = place(client, key=key)
    assert response.status_code == 201, response.data
    return Order.objects.select_related("payment").get(pk=response.data["id"])


def deliver_everything(order: Order) -> None:
    """The warehouses pick, pack, dispatch and deliver every parcel of a paid order."""
    for shipment in order.shipments.select_related("outbound_shipment").order_by("pk"):
        outbound = shipment.outbound_shipment
        outbound_shipment_pick(shipment=outbound)
        outbound_shipment_pack(shipment=outbound)
        outbound_shipment_dispatch(shipment=outbound, carrier_ref="TIR-KZ-1", location="Urumqi")
        outbound_shipment_event_add(shipment=outbound, code="delivered", location="Almaty")


def ledger_sum(**filters: Any) -> int:
    return int(LedgerEntry.objects.filter(**filters).aggregate(total=Sum("amount_minor"))["total"] or 0)


def minor(value: Any) -> int:
    return to_minor_units(value)


def payment_of(order: Order) -> Payment:
    return Payment.objects.get(order=order)
