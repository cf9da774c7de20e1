"""Inbound shipments in the admin: a receiving page that counts line by line, by scan or by hand.

Short, over (a surplus line for an SKU that was not announced) and damaged units (with a reason)
are recorded through ``inbound_shipment_receive``, the service the scanner API uses, so the
discrepancy is recorded exactly as before: on the lines and in the shipment's status.
"""

import json
from typing import Any

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
from warehouses.admin.forms import receive_counts
from warehouses.admin.scoping import ReadOnlyInline, StaffWarehouseFilter, WarehouseScopedAdmin, error_messages
from warehouses.floor import floor_lines, variant_label
from warehouses.models import InboundLine, InboundShipment
from warehouses.services import inbound_shipment_receive


class InboundLineInline(ReadOnlyInline):
    model = InboundLine
    fields = [
        "variant_display",
        "quantity_expected",
        "quantity_received",
        "quantity_damaged",
        "damage_reason",
        "received_at",
        "received_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("variant"))
    def variant_display(self, line: InboundLine) -> str:
        return variant_label(line.variant)


@admin.register(InboundShipment)
class InboundShipmentAdmin(WarehouseScopedAdmin):
    list_display = [
        "reference_display",
        "receive_link",
        "status",
        "seller",
        "warehouse",
        "seller_reference",
        "created_at",
        "received_at",
    ]
    list_display_links = ["reference_display"]
    list_filter = ["status", StaffWarehouseFilter]
    search_fields = ["seller__display_name", "seller_reference", "lines__variant__sku", "lines__variant__barcode"]
    list_select_related = ["seller", "warehouse"]
    readonly_fields = ["seller", "warehouse", "status", "seller_reference", "created_by", "created_at", "received_at"]
    fields = [*readonly_fields, "note"]
    inlines = [InboundLineInline]
    actions = ["receive_as_announced"]
    change_form_template = "admin/warehouses/inboundshipment/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sellers announce goods through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("reference"), ordering="pk")
    def reference_display(self, shipment: InboundShipment) -> str:
        return shipment.reference

    @admin.display(description=_("receive"))
    def receive_link(self, shipment: InboundShipment) -> str:
        if not shipment.is_open:
            return "—"
        return format_html(
            '<a class="kv-receive-link" href="{}">{}</a>',
            reverse("admin:warehouses_inbound_receive", args=[shipment.pk]),
            gettext("Receive…"),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.receive_view)
        return [path("<path:object_id>/receive/", view, name="warehouses_inbound_receive"), *super().get_urls()]

    def receive_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        shipment = self.get_object(request, object_id)  # 404 outside the user's warehouses
        if not self.has_change_permission(request, shipment):
            raise PermissionDenied
        lines = list(shipment.lines.select_related("variant__product").prefetch_related("variant__product__images"))
        open_lines = [line for line in lines if line.quantity_received is None]
        errors: list[str] = []
        if request.method == "POST":
            counts, errors = receive_counts(request.POST, open_lines) if shipment.is_open else ([], [])
            close = "close" in request.POST
            if not shipment.is_open:
                errors = [gettext("This delivery was already received.")]
            elif not counts and not close and not errors:
                errors = [gettext("Scan or type at least one count.")]
            if not errors:
                try:
                    inbound_shipment_receive(shipment=shipment, lines=counts, actor=request.user, complete=close)
                except DomainError as error:
                    errors = error_messages(error)
                else:
                    shipment.refresh_from_db()
                    self.message_user(
                        request,
                        gettext("%(reference)s: %(status)s.")
                        % {"reference": shipment.reference, "status": shipment.get_status_display()},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:warehouses_inbound_receive", args=[shipment.pk]))
            for message in errors:
                self.message_user(request, message, messages.ERROR)
        texts = {
            "counted": gettext("{sku}: {n} counted (announced {of})"),
            "unknown": gettext("{code} is not on this delivery"),
            "surplus": gettext("{code} was not announced: counted as a surplus line"),
            "short": gettext("short {n}"),
            "over": gettext("over {n}"),
            "ok": gettext("as announced"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Receive %(reference)s") % {"reference": shipment.reference},
            "shipment": shipment,
            "open_rows": floor_lines(
                warehouse_id=shipment.warehouse_id, lines=open_lines, quantity_field="quantity_expected"
            ),
            "done_rows": floor_lines(
                warehouse_id=shipment.warehouse_id,
                lines=[line for line in lines if line.quantity_received is not None],
                quantity_field="quantity_expected",
            ),
            "posted": request.POST if errors else {},
            "scan_texts": json.dumps(texts),
        }
        return TemplateResponse(request, "admin/warehouses/inboundshipment/receive.html", context)

    @admin.action(description=_("Receive every uncounted line as announced"), permissions=["change"])
    def receive_as_announced(self, request: HttpRequest, queryset: QuerySet) -> None:
        def receive(shipment: InboundShipment) -> None:
            lines = [
                (line.variant.sku, line.quantity_expected)
                for line in shipment.lines.select_related("variant")
                if line.quantity_received is None
            ]
            inbound_shipment_receive(shipment=shipment, lines=lines, actor=request.user, complete=True)

        self.run_service(request, queryset, gettext("receive"), receive)
