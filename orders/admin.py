"""Admin for orders: read-mostly order pages with seller orders, lines, shipments, payments and events."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orders.models import Cart, CartItem, Order, OrderEvent, OrderLine, OrderShipment, Payment, Refund, SellerOrder


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
    fields = ("seller", "status", "subtotal", "subtotal_seller", "shipping_total", "commission_percent")
    readonly_fields = fields


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "sku",
        "title",
        "quantity",
        "unit_price_seller",
        "unit_price",
        "line_total",
        "exchange_rate",
        "seller_order",
    )
    readonly_fields = fields


class OrderShipmentInline(ReadOnlyInline):
    model = OrderShipment
    fields = (
        "warehouse",
        "seller_order",
        "status",
        "outbound_shipment",
        "mode",
        "transit_days_min",
        "transit_days_max",
        "shipping",
        "quoted_cost",
        "duties",
        "duty_note",
    )
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("provider", "status", "amount", "provider_payment_id", "provider_reference", "confirmed_at")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("occurred_at", "code", "from_status", "to_status", "message", "actor", "actor_label")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "buyer", "status", "total", "destination_country", "placed_at", "reserved_until")
    list_filter = ("status", "destination_country", "currency", "is_livestream")
    search_fields = ("number", "buyer__email", "lines__sku")
    date_hierarchy = "placed_at"
    list_select_related = ("buyer",)
    inlines = (SellerOrderInline, OrderLineInline, OrderShipmentInline, PaymentInline, OrderEventInline)
    readonly_fields = (
        "number",
        "buyer",
        "status",
        "currency",
        "preference",
        "shipping_address",
        "destination_country",
        "subtotal",
        "shipping_total",
        "duties_total",
        "total",
        "duties_notes",
        "exchange_rates",
        "is_livestream",
        "reserved_until",
        "placed_at",
        "paid_at",
        "closed_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "payment", "amount", "status", "created_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("idempotency_key", "payment__order__number")
    readonly_fields = (
        "payment",
        "amount",
        "status",
        "reason",
        "idempotency_key",
        "provider_reference",
        "created_at",
        "completed_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    raw_id_fields = ("variant",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "session_key", "updated_at")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    inlines = (CartItemInline,)
