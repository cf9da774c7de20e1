"""Admin for stock (adjust with a reason, low-stock view) and the read-only stock ledger."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.exceptions import DomainError
from warehouses.admin.scoping import LedgerWarehouseFilter, StaffWarehouseFilter, WarehouseScopedAdmin
from warehouses.models import STOCK_UNITS_MAX, Stock, StockLedgerEntry
from warehouses.selectors import stock_list_low_for_staff
from warehouses.services import stock_adjust


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        min_value=-STOCK_UNITS_MAX,
        max_value=STOCK_UNITS_MAX,
        help_text="Units to add (positive) or remove (negative) from on hand, e.g. -2 for two damaged units.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Required: why the count changes (kept in the ledger)."
    )

    def clean_delta(self) -> int:
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError("The adjustment must change the stock.")
        return delta

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("A reason is required.")
        return reason


class LedgerInline(admin.TabularInline):
    model = StockLedgerEntry
    extra = 0
    max_num = 0
    can_delete = False
    fields = [
        "created_at",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reserved_after",
        "reference",
        "reason",
        "actor",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Stock)
class StockAdmin(WarehouseScopedAdmin):
    list_display = [
        "sku",
        "product",
        "warehouse",
        "on_hand",
        "reserved",
        "available",
        "low_stock_threshold",
        "adjust_link",
    ]
    list_filter = [StaffWarehouseFilter]
    search_fields = ["variant__sku", "variant__barcode", "variant__product__title"]
    list_select_related = ["warehouse", "variant__product"]
    readonly_fields = ["variant", "warehouse", "on_hand", "reserved", "available", "updated_at"]
    fields = ["variant", "warehouse", "on_hand", "reserved", "available", "low_stock_threshold", "updated_at"]
    inlines = [LedgerInline]
    change_list_template = "admin/warehouses/stock/change_list.html"
    change_form_template = "admin/warehouses/stock/change_form.html"

    @admin.display(ordering="variant__sku", description="SKU")
    def sku(self, stock: Stock) -> str:
        return stock.variant.sku

    @admin.display(ordering="variant__product__title")
    def product(self, stock: Stock) -> str:
        return stock.variant.product.title

    @admin.display(description="Adjust")
    def adjust_link(self, stock: Stock) -> str:
        return format_html('<a href="{}">Adjust…</a>', reverse("admin:warehouses_stock_adjust", args=[stock.pk]))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stock rows appear when goods are received

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<path:object_id>/adjust/", self.admin_site.admin_view(self.adjust_view), name="warehouses_stock_adjust"
            ),
            path("low-stock/", self.admin_site.admin_view(self.low_stock_view), name="warehouses_stock_low"),
        ]
        return extra + super().get_urls()

    def adjust_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        stock = self.get_object(request, object_id)  # 404 outside the user's warehouses
        if not self.has_change_permission(request, stock):
            raise PermissionDenied
        form = StockAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                stock_adjust(
                    stock=stock,
                    delta=form.cleaned_data["delta"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error("delta", error.detail)
            else:
                self.message_user(
                    request, f"Stock of {stock.variant.sku} at {stock.warehouse.code} adjusted.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:warehouses_stock_change", args=[stock.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Adjust stock: {stock.variant.sku} at {stock.warehouse.code}",
            "stock": stock,
            "form": form,
        }
        return TemplateResponse(request, "admin/warehouses/stock/adjust.html", context)

    def low_stock_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Low stock",
            "rows": stock_list_low_for_staff(user=request.user),
        }
        return TemplateResponse(request, "admin/warehouses/stock/low_stock.html", context)


@admin.register(StockLedgerEntry)
class StockLedgerEntryAdmin(WarehouseScopedAdmin):
    """The ledger is history: nobody adds, edits or deletes rows here."""

    warehouse_field = "stock__warehouse"
    list_display = [
        "created_at",
        "kind",
        "sku",
        "warehouse",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reserved_after",
        "reference",
        "actor",
    ]
    list_filter = ["kind", LedgerWarehouseFilter]
    search_fields = ["reference", "stock__variant__sku", "stock__variant__barcode", "reason"]
    list_select_related = ["stock__variant", "stock__warehouse", "actor"]
    date_hierarchy = "created_at"

    @admin.display(description="SKU", ordering="stock__variant__sku")
    def sku(self, entry: StockLedgerEntry) -> str:
        return entry.stock.variant.sku

    @admin.display(ordering="stock__warehouse__code")
    def warehouse(self, entry: StockLedgerEntry) -> str:
        return entry.stock.warehouse.code

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
