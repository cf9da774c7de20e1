"""Admin for orders: read-mostly order pages with seller orders, lines, shipments, payments and events."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.exceptions import DomainError
from core.money import from_minor_units
from orders.models import (
    Cart,
    CartItem,
    LedgerEntry,
    LedgerPosting,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    Payment,
    Refund,
    SellerOrder,
    SellerTransfer,
    WebhookEvent,
)
from orders.services import order_pay_confirm_by_staff


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
    fields = (
        "provider",
        "status",
        "amount",
        "provider_payment_id",
        "provider_reference",
        "last_error",
        "confirmed_at",
        "confirmed_by",
    )
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
    actions = ("confirm_offline_payment",)
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

    @admin.action(description="Confirm offline payment received (cash on delivery, bank transfer)")
    def confirm_offline_payment(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        """With the offline provider only staff confirm payments (production); each order once."""
        confirmed = 0
        for order in queryset.order_by("pk"):
            try:
                order_pay_confirm_by_staff(order=order, actor=request.user)
                confirmed += 1
            except DomainError as error:
                self.message_user(request, f"{order.number}: {error.detail}", messages.WARNING)
        if confirmed:
            self.message_user(request, f"{confirmed} payment(s) confirmed.", messages.SUCCESS)


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "payment", "seller_order", "amount", "status", "created_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("idempotency_key", "payment__order__number")
    readonly_fields = (
        "payment",
        "seller_order",
        "amount",
        "status",
        "reason",
        "idempotency_key",
        "provider_reference",
        "requested_by",
        "restocked",
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records are written by services only; staff read them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LedgerEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ("account", "seller", "seller_order", "kind", "currency", "amount_minor")
    readonly_fields = fields


@admin.register(LedgerPosting)
class LedgerPostingAdmin(ReadOnlyAdmin):
    """The platform's money ledger: every posting with its balanced lines."""

    list_display = ("key", "kind", "currency", "order", "description", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("key", "order__number")
    list_select_related = ("order",)
    inlines = (LedgerEntryInline,)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "posting", "account", "seller", "kind", "amount")
    list_filter = ("account", "kind", "currency")
    search_fields = ("posting__order__number", "seller__display_name")
    list_select_related = ("posting", "seller")

    @admin.display(description="amount")
    def amount(self, entry: LedgerEntry) -> str:
        return str(from_minor_units(entry.amount_minor, entry.currency))


@admin.register(SellerTransfer)
class SellerTransferAdmin(ReadOnlyAdmin):
    list_display = ("idempotency_key", "seller", "amount", "status", "attempts", "last_error", "paid_at")
    list_filter = ("status",)
    search_fields = ("idempotency_key", "seller__display_name", "provider_reference")
    list_select_related = ("seller",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "received_at", "processed_at", "deliveries", "outcome")
    list_filter = ("type",)
    search_fields = ("event_id",)
