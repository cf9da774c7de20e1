"""Admin for shared-kernel data: exchange rates are visible and read-only."""

from django.contrib import admin

from core.models import ExchangeRate, IdempotencyKey


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["base", "quote", "rate", "effective_at", "source"]
    list_filter = ["base", "quote", "source"]
    search_fields = ["base", "quote"]
    date_hierarchy = "effective_at"

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A publication is history (orders record the rows they used); a bad rate is corrected by
        # storing a newer one, which every process notices by its id.
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["scope", "key", "user", "response_status", "created_at"]
    search_fields = ["key", "scope"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
