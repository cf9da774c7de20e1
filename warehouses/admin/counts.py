"""Cycle counts in the admin: count by scan or by hand, then book the differences through the ledger."""

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from warehouses.admin.scoping import StaffWarehouseFilter, WarehouseScopedAdmin, error_messages
from warehouses.floor import floor_lines
from warehouses.models import STOCK_UNITS_MAX, CycleCount, CycleCountStatus
from warehouses.services import cycle_count_book, cycle_count_record


@admin.register(CycleCount)
class CycleCountAdmin(WarehouseScopedAdmin):
    list_display = ["reference_display", "warehouse", "status", "line_count", "created_by", "created_at", "booked_at"]
    list_filter = ["status", StaffWarehouseFilter]
    list_select_related = ["warehouse", "created_by"]

    @admin.display(description=_("reference"), ordering="pk")
    def reference_display(self, count: CycleCount) -> str:
        return count.reference

    @admin.display(description=_("rows"))
    def line_count(self, count: CycleCount) -> int:
        return count.lines.count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # started from the stock list (select rows, "Start a cycle count")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        count = self.get_object(request, unquote(object_id))  # 404 outside the user's warehouses
        if not self.has_view_permission(request, count):
            raise PermissionDenied
        lines = list(
            count.lines.select_related("stock__variant__product").prefetch_related("stock__variant__product__images")
        )
        if request.method == "POST":
            if not self.has_change_permission(request, count):
                raise PermissionDenied
            counted: dict[int, int] = {}
            errors: list[str] = []
            for line in lines:
                raw = (request.POST.get(f"counted_{line.pk}", "") or "").strip()
                if raw == "":
                    continue
                if not raw.isdigit() or int(raw) > STOCK_UNITS_MAX:
                    errors.append(
                        gettext("%(sku)s: a whole number of units, 0 or more.") % {"sku": line.stock.variant.sku}
                    )
                    continue
                counted[line.pk] = int(raw)
            try:
                if errors:
                    raise DomainError(errors[0])
                if counted:
                    cycle_count_record(count=count, counted=counted, actor=request.user)
                if "book" in request.POST:
                    differences = cycle_count_book(count=count, actor=request.user)
                    changed = sum(1 for difference in differences.values() if difference)
                    self.message_user(
                        request,
                        gettext("%(reference)s booked: %(changed)d of %(rows)d rows corrected in the ledger.")
                        % {"reference": count.reference, "changed": changed, "rows": len(differences)},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(request, gettext("Counts saved."), messages.SUCCESS)
            except DomainError as error:
                for message in error_messages(error):
                    self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        rows = floor_lines(
            warehouse_id=count.warehouse_id,
            lines=[_CountRow(line) for line in lines],
            quantity_field="counted",
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": count.reference,
            "count": count,
            "rows": rows,
            "is_open": count.status == CycleCountStatus.OPEN,
            "can_change": self.has_change_permission(request, count),
            "scan_texts": json.dumps(
                {"counted": gettext("{sku}: {n} counted"), "unknown": gettext("{code} is not in this count")}
            ),
        }
        return TemplateResponse(request, "admin/warehouses/cyclecount/count.html", context)


class _CountRow:
    """A count line seen as a floor line (its stock row's variant)."""

    def __init__(self, line: Any) -> None:
        self.count_line = line
        self.pk = line.pk
        self.variant = line.stock.variant
        self.variant_id = line.stock.variant_id
        self.counted = line.counted
