"""Inlines of the order page: what it is made of, read-only (services change orders, not forms)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.templatetags.karavan import money_text, rate_text
from orders.models import OrderEvent, OrderLine, OrderShipment, Payment, SellerOrder


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SellerOrderInline(ReadOnlyInline):
    model = SellerOrder
    fields = (
        "seller",
        "status",
        "subtotal_display",
        "subtotal_seller_display",
        "shipping_display",
        "commission_percent",
    )
    readonly_fields = fields

    @admin.display(description=_("subtotal"))
    def subtotal_display(self, part: SellerOrder) -> str:
        return money_text(part.subtotal)

    @admin.display(description=_("subtotal (seller's currency)"))
    def subtotal_seller_display(self, part: SellerOrder) -> str:
        return money_text(part.subtotal_seller)

    @admin.display(description=_("shipping"))
    def shipping_display(self, part: SellerOrder) -> str:
        return money_text(part.shipping_total)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "sku",
        "title",
        "quantity",
        "unit_price_seller_display",
        "unit_price_display",
        "total_display",
        "rate_display",
    )
    readonly_fields = fields

    @admin.display(description=_("unit price (seller's currency)"))
    def unit_price_seller_display(self, line: OrderLine) -> str:
        return money_text(line.unit_price_seller)

    @admin.display(description=_("unit price"))
    def unit_price_display(self, line: OrderLine) -> str:
        return money_text(line.unit_price)

    @admin.display(description=_("line total"))
    def total_display(self, line: OrderLine) -> str:
        return money_text(line.line_total)

    @admin.display(description=_("exchange rate"))
    def rate_display(self, line: OrderLine) -> str:
        return rate_text(line.exchange_rate)


class OrderShipmentInline(ReadOnlyInline):
    model = OrderShipment
    fields = (
        "warehouse",
        "status",
        "outbound_shipment",
        "mode",
        "days_display",
        "shipping_display",
        "duties_display",
        "duty_note",
    )
    readonly_fields = fields

    @admin.display(description=_("transit days"))
    def days_display(self, shipment: OrderShipment) -> str:
        return f"{shipment.transit_days_min}–{shipment.transit_days_max}" if shipment.transit_days_min else "—"

    @admin.display(description=_("shipping"))
    def shipping_display(self, shipment: OrderShipment) -> str:
        return money_text(shipment.shipping)

    @admin.display(description=_("duties"))
    def duties_display(self, shipment: OrderShipment) -> str:
        return money_text(shipment.duties)


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = (
        "provider",
        "status",
        "amount_display",
        "provider_payment_id",
        "last_error",
        "confirmed_at",
        "confirmed_by",
    )
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def amount_display(self, payment: Payment) -> str:
        return money_text(payment.amount)


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("occurred_at", "code", "from_status", "to_status", "message", "actor", "actor_label")
    readonly_fields = fields
