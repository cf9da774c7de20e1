"""Admin for stock (variants with their bins and barcodes, adjust with a reason, low stock, labels)
and the read-only stock ledger."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from warehouses.admin.scoping import (
    LedgerWarehouseFilter,
    StaffWarehouseFilter,
    WarehouseScopedAdmin,
    error_messages,
)
from warehouses.documents import labels_render
from warehouses.floor import variant_label
from warehouses.models import STOCK_UNITS_MAX, Stock, StockLedgerEntry
from warehouses.selectors import stock_list_low_for_staff
from warehouses.services import cycle_count_start, stock_adjust, stock_settings_update

#: Labels printed at once: a page of labels, not a print job that stalls the printer.
LABELS_MAX = 200


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        label=_("Change"),
        min_value=-STOCK_UNITS_MAX,
        max_value=STOCK_UNITS_MAX,
        help_text=_("Units to add (positive) or remove (negative) from on hand, e.g. -2 for two damaged units."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: why the count changes (kept in the ledger)."),
    )

    def clean_delta(self) -> int:
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(gettext("The adjustment must change the stock."))
        return delta

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(gettext("A reason is required."))
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
        "variant_name",
        "bin_location",
        "available",
        "on_hand",
        "reserved",
        "warehouse",
        "barcode_display",
        "low_stock_threshold",
        "row_links",
    ]
    list_filter = [StaffWarehouseFilter]
    search_fields = ["variant__sku", "variant__barcode", "variant__name", "variant__product__title", "bin_location"]
    list_select_related = ["warehouse", "variant__product"]
    ordering = ["warehouse__code", "bin_location", "variant__sku"]
    readonly_fields = ["variant_display", "warehouse", "on_hand", "reserved", "available", "updated_at"]
    fields = [
        "variant_display",
        "warehouse",
        "bin_location",
        "on_hand",
        "reserved",
        "available",
        "low_stock_threshold",
        "updated_at",
    ]
    inlines = [LedgerInline]
    actions = ["print_labels", "start_cycle_count"]
    change_list_template = "admin/warehouses/stock/change_list.html"
    change_form_template = "admin/warehouses/stock/change_form.html"

    @admin.display(ordering="variant__sku", description=_("SKU"))
    def sku(self, stock: Stock) -> str:
        return stock.variant.sku

    @admin.display(ordering="variant__name", description=_("variant"))
    def variant_name(self, stock: Stock) -> str:
        """The variant's own name (``1 l``), the product title only when the variant has none."""
        return stock.variant.name or stock.variant.product.title

    @admin.display(description=_("variant"))
    def variant_display(self, stock: Stock) -> str:
        return variant_label(stock.variant)

    @admin.display(description=_("available"))
    def available(self, stock: Stock) -> int:
        return stock.available

    @admin.display(description=_("barcode"), ordering="variant__barcode")
    def barcode_display(self, stock: Stock) -> str:
        return stock.variant.barcode or "—"

    @admin.display(description="")
    def row_links(self, stock: Stock) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}" target="_blank">{}</a>',
            reverse("admin:warehouses_stock_adjust", args=[stock.pk]),
            gettext("Adjust…"),
            reverse("admin:warehouses_stock_label", args=[stock.pk]),
            gettext("Label"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stock rows appear when goods are received

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Stock, form: Any, change: bool) -> None:
        # Through the service: a bin or a threshold is set; the counts never change by a form save.
        stock_settings_update(
            stock=obj,
            bin_location=form.cleaned_data.get("bin_location", obj.bin_location),
            low_stock_threshold=form.cleaned_data.get("low_stock_threshold", obj.low_stock_threshold),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        extra = [
            path("<path:object_id>/adjust/", view(self.adjust_view), name="warehouses_stock_adjust"),
            path("<path:object_id>/label/", view(self.label_view), name="warehouses_stock_label"),
            path("low-stock/", view(self.low_stock_view), name="warehouses_stock_low"),
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
                form.add_error("delta", error_messages(error)[-1])
            else:
                self.message_user(
                    request,
                    gettext("Stock of %(sku)s at %(warehouse)s adjusted.")
                    % {"sku": stock.variant.sku, "warehouse": stock.warehouse.code},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:warehouses_stock_change", args=[stock.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Adjust stock: %(variant)s at %(warehouse)s")
            % {"variant": variant_label(stock.variant), "warehouse": stock.warehouse.code},
            "stock": stock,
            "form": form,
        }
        return TemplateResponse(request, "admin/warehouses/stock/adjust.html", context)

    def label_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        stock = self.get_object(request, object_id)
        return HttpResponse(labels_render(stocks=[stock]))

    def low_stock_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Low stock"),
            "rows": stock_list_low_for_staff(user=request.user),
        }
        return TemplateResponse(request, "admin/warehouses/stock/low_stock.html", context)

    @admin.action(description=_("Print barcode labels"), permissions=["view"])
    def print_labels(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        stocks = list(
            queryset.select_related("variant__product", "warehouse").order_by("bin_location", "pk")[:LABELS_MAX]
        )
        return HttpResponse(labels_render(stocks=stocks))

    @admin.action(description=_("Start a cycle count of the selected rows"), permissions=["change"])
    def start_cycle_count(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        try:
            count = cycle_count_start(stocks=list(queryset.order_by("pk")), actor=request.user)
        except DomainError as error:
            for message in error_messages(error):
                self.message_user(request, message, messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:warehouses_cyclecount_change", args=[count.pk]))


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

    @admin.display(description=_("SKU"), ordering="stock__variant__sku")
    def sku(self, entry: StockLedgerEntry) -> str:
        return entry.stock.variant.sku

    @admin.display(description=_("warehouse"), ordering="stock__warehouse__code")
    def warehouse(self, entry: StockLedgerEntry) -> str:
        return entry.stock.warehouse.code

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
