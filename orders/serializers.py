"""API shapes of orders: input serializers and the renderings of carts, quotes and orders (API.md)."""

from typing import Any

from rest_framework import serializers

from core.api.fields import MoneyField
from core.api.fields import money_to_representation as money
from core.money import Money
from orders import customs
from orders.models import Order, SellerOrder
from orders.services.checkout import Quote


class CartItemCreateSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(default=1)
    livestream = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)


class CartItemUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()


class OrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class CheckoutSerializer(serializers.Serializer):
    shipping_address = serializers.JSONField()
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    preference = serializers.CharField(required=False, allow_blank=True, max_length=10)


class RefundCreateSerializer(serializers.Serializer):
    """Staff refund: all that is left (no amount) or part of it; of the order or of one seller's part."""

    amount = MoneyField(required=False, min_amount=0)
    seller_order = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


def _rule_json(key: str) -> dict[str, object] | None:
    rule = customs.rule_by_key(key) if key else None
    return rule.as_json() if rule is not None else None


def seller_brief(seller: Any) -> dict[str, Any]:
    return {"id": seller.pk, "display_name": seller.display_name, "country": seller.country}


def cart_rendering(*, items: list[Any], priced: dict[int, Any], currency: str, subtotal: Any) -> dict[str, Any]:
    rows = []
    for item in items:
        variant = item.variant
        price = priced[item.pk]
        rows.append(
            {
                "id": item.pk,
                "variant": variant.pk,
                "sku": variant.sku,
                "name": variant.name,
                "product": variant.product_id,
                "title": variant.product.title,
                "seller": seller_brief(variant.seller),
                "quantity": item.quantity,
                "unit_price": money(price["unit_price"]),
                "line_total": money(price["line_total"]),
                "livestream": item.livestream,
                "live_price": price["is_live"],
                "live_offer": price.get("live_offer"),
            }
        )
    return {"items": rows, "subtotal": money(subtotal), "currency": currency}


def quote_rendering(quote: Quote) -> dict[str, Any]:
    shipments = []
    for parcel in quote.parcels:
        shipments.append(
            {
                "warehouse": parcel.warehouse.code,
                "seller": seller_brief(parcel.seller),
                "items": [
                    {"variant": item.line.variant.pk, "sku": item.line.variant.sku, "quantity": item.quantity}
                    for item in parcel.items
                ],
                "mode": parcel.mode,
                "legs": parcel.legs,
                "transit_days_min": parcel.transit_days_min,
                "transit_days_max": parcel.transit_days_max,
                "shipping": money(parcel.shipping),
                "reasons": parcel.reasons,
                "border_crossings": parcel.border_crossings,
                "weight_kg": str(parcel.weight_kg),
                "volume_m3": str(parcel.volume_m3),
                "declared_value": money(parcel.declared_value),
                "duties": money(parcel.duties),
                "duty_note": parcel.duty_note,
                "duty_rule": parcel.duty_rule_info,
                "allowance_counted": money(parcel.allowance_counted),
            }
        )
    items = [
        {
            "variant": line.variant.pk,
            "sku": line.variant.sku,
            "seller": line.variant.seller_id,
            "quantity": line.quantity,
            "unit_price": money(line.unit_price),
            "line_total": money(line.line_total),
            "price_in_seller_currency": money(line.unit_price_seller),
            "exchange_rate": str(line.rate),
            "livestream": line.livestream,
            "live_price": line.live_offer is not None,
            "live_offer": {"status": line.live_status, "message": line.live_message} if line.live_status else None,
        }
        for line in quote.lines
    ]
    return {
        "currency": quote.currency,
        "preference": quote.preference,
        "shipping_address": quote.address,
        "items": items,
        "shipments": shipments,
        "duties": {
            "estimate": money(quote.duties_total),
            "notes": quote.duties_notes,
            "allowances": [
                {key: money(value) if isinstance(value, Money) else value for key, value in row.items()}
                for row in quote.allowances
            ],
        },
        "totals": {
            "subtotal": money(quote.subtotal),
            "shipping": money(quote.shipping_total),
            "duties": money(quote.duties_total),
            "total": money(quote.total),
        },
        "exchange_rates": quote.exchange_rates,
        "quoted_at": quote.quoted_at,
    }


def order_rendering(order: Order, *, tracking: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payment = getattr(order, "payment", None)
    lines = list(order.lines.all())
    body: dict[str, Any] = {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "currency": order.currency,
        "preference": order.preference,
        "shipping_address": order.shipping_address,
        "items": [
            {
                "id": line.pk,
                "variant": line.variant_id,
                "sku": line.sku,
                "title": line.title,
                "seller": seller_brief(line.seller_order.seller),
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "line_total": money(line.line_total),
                "price_in_seller_currency": money(line.unit_price_seller),
                "exchange_rate": str(line.exchange_rate),
                "livestream": line.livestream,
                "live_price": line.live_offer_id is not None,
            }
            for line in lines
        ],
        "seller_orders": [
            {"id": part.pk, "seller": seller_brief(part.seller), "status": part.status}
            for part in order.seller_orders.all()
        ],
        "shipments": [
            {
                "id": shipment.pk,
                "warehouse": shipment.warehouse.code,
                "seller": shipment.seller_order.seller_id,
                "status": shipment.status,
                "items": [
                    {"sku": i["sku"], "variant": i["variant"], "quantity": i["quantity"]} for i in shipment.items
                ],
                "mode": shipment.mode,
                "transit_days_min": shipment.transit_days_min,
                "transit_days_max": shipment.transit_days_max,
                "shipping": money(shipment.shipping),
                "duties": money(shipment.duties),
                "duty_note": shipment.duty_note,
                "duty_rule": _rule_json(shipment.duty_rule),
                "allowance_counted": money(shipment.duty_allowance_counted),
                "reasons": shipment.reasons,
                "border_crossings": shipment.border_crossings,
            }
            for shipment in order.shipments.all()
        ],
        "totals": {
            "subtotal": money(order.subtotal),
            "shipping": money(order.shipping_total),
            "duties": money(order.duties_total),
            "total": money(order.total),
        },
        "duties_notes": order.duties_notes,
        "payment": {
            "provider": payment.provider if payment else None,
            "client_secret": payment.client_secret if payment else None,
            "status": payment.status if payment else None,
            "amount": money(payment.amount) if payment else None,
            # "retry": the provider could not be reached; POST /orders/{id}/payment/ opens it again.
            "retryable": bool(payment and payment.status in ("retry", "failed") and order.status == "pending_payment"),
            "error": payment.last_error if payment else "",
            "refunds": [refund_rendering(refund) for refund in (payment.refunds.all() if payment else [])],
        },
        "reserved_until": order.reserved_until,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
    }
    if tracking is not None:
        body["tracking"] = tracking
    return body


def seller_order_rendering(part: SellerOrder) -> dict[str, Any]:
    """What a seller sees: its own lines and parcels, never other sellers' or the buyer's payment."""
    order = part.order
    return {
        "id": part.pk,
        "order_number": order.number,
        "status": part.status,
        "created_at": part.created_at,
        "destination": {"country": order.destination_country, "city": order.shipping_address.get("city", "")},
        "items": [
            {
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price_seller),
                "line_total": money(line.unit_price_seller * line.quantity),
            }
            for line in part.lines.all()
        ],
        "subtotal": money(part.subtotal_seller),
        "commission_percent": str(part.commission_percent),
        "shipments": [
            {
                "id": shipment.pk,
                "warehouse": shipment.warehouse.code,
                "status": shipment.status,
                "mode": shipment.mode,
                "items": [{"sku": i["sku"], "quantity": i["quantity"]} for i in shipment.items],
            }
            for shipment in part.shipments.all()
        ],
    }


def refund_rendering(refund: Any) -> dict[str, Any]:
    return {
        "id": refund.pk,
        "amount": money(refund.amount),
        "status": refund.status,
        "seller_order": refund.seller_order_id,
        "reason": refund.reason,
        "restocked": refund.restocked,
        "created_at": refund.created_at,
    }


def ledger_entry_rendering(entry: Any) -> dict[str, Any]:
    from core.money import from_minor_units

    # A seller's view: what they earned is positive (the ledger stores it as a credit).
    return {
        "id": entry.pk,
        "created_at": entry.created_at,
        "kind": entry.kind,
        "order_number": entry.posting.order.number,
        "seller_order": entry.seller_order_id,
        "amount": money(from_minor_units(-entry.amount_minor, entry.currency)),
        "description": entry.posting.description,
    }
