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


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["scope", "key", "user", "response_status", "created_at"]
    search_fields = ["key", "scope"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
