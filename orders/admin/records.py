"""Admin for the money records (refunds, the ledger, payouts, webhooks) and carts: read-only where money moved."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.money import from_minor_units
from orders.admin.inlines import ReadOnlyInline
from orders.models import (
    Cart,
    CartItem,
    LedgerEntry,
    LedgerPosting,
    Refund,
    SellerTransfer,
    WebhookEvent,
)


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
