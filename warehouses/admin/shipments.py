"""Admin for inbound and outbound shipments: scoped lists, bulk actions and printable documents.

Every action calls the same services as the scanner API, so the admin cannot skip a rule.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from warehouses.admin.scoping import StaffWarehouseFilter, WarehouseScopedAdmin
from warehouses.documents import manifest_build, manifest_render, packing_slip_render, pick_list_render
from warehouses.models import InboundLine, InboundShipment, OutboundLine, OutboundShipment, ShipmentEvent
from warehouses.selectors import departure_manifest_shipments
from warehouses.services import (
    inbound_shipment_receive,
    outbound_shipment_dispatch,
    outbound_shipment_pack,
    outbound_shipment_pick,
)
from warehouses.services.outbound import catalogue_weight_kg
from warehouses.transport.models import Departure


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InboundLineInline(ReadOnlyInline):
    model = InboundLine
    fields = ["variant", "quantity_expected", "quantity_received", "received_at", "received_by"]
    readonly_fields = fields


@admin.register(InboundShipment)
class InboundShipmentAdmin(WarehouseScopedAdmin):
    list_display = ["reference", "seller", "warehouse", "status", "seller_reference", "created_at", "received_at"]
    list_filter = ["status", StaffWarehouseFilter]
    search_fields = ["seller__display_name", "seller_reference", "lines__variant__sku", "lines__variant__barcode"]
    list_select_related = ["seller", "warehouse"]
    readonly_fields = ["seller", "warehouse", "status", "seller_reference", "created_by", "created_at", "received_at"]
    fields = [*readonly_fields, "note"]
    inlines = [InboundLineInline]
    actions = ["receive_as_announced"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sellers announce goods through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Receive every uncounted line as announced", permissions=["change"])
    def receive_as_announced(self, request: HttpRequest, queryset: QuerySet) -> None:
        def receive(shipment: InboundShipment) -> None:
            lines = [
                (line.variant.sku, line.quantity_expected)
                for line in shipment.lines.select_related("variant")
                if line.quantity_received is None
            ]
            inbound_shipment_receive(shipment=shipment, lines=lines, actor=request.user, complete=True)

        self.run_service(request, queryset, "receive", receive)


class OutboundLineInline(ReadOnlyInline):
    model = OutboundLine
    fields = ["variant", "quantity", "declared_unit_value"]
    readonly_fields = fields


class ShipmentEventInline(ReadOnlyInline):
    model = ShipmentEvent
    fields = ["occurred_at", "code", "location", "note", "actor"]
    readonly_fields = fields


class DispatchForm(forms.Form):
    carrier_ref = forms.CharField(
        max_length=64, label="Carrier reference", help_text="TIR carnet number or SMGS consignment note number."
    )
    seal_numbers = forms.CharField(
        required=False, help_text="TIR customs seal numbers, separated by commas.", label="Seal numbers"
    )

    def seals(self) -> list[str]:
        return [seal.strip() for seal in self.cleaned_data["seal_numbers"].split(",") if seal.strip()]


def pack_form_class(shipments: list[OutboundShipment]) -> type[forms.Form]:
    """One weight field per shipment, prefilled with what the catalogue says it should weigh."""
    fields = {
        f"weight_{shipment.pk}": forms.DecimalField(
            label=f"{shipment.reference} weight (kg)",
            min_value=Decimal("0.001"),
            max_digits=10,
            decimal_places=3,
            initial=catalogue_weight_kg(shipment),
        )
        for shipment in shipments
    }
    return type("PackForm", (forms.Form,), fields)


@admin.register(OutboundShipment)
class OutboundShipmentAdmin(WarehouseScopedAdmin):
    list_display = [
        "reference",
        "seller",
        "warehouse",
        "status",
        "mode",
        "recipient",
        "country",
        "unit",
        "created_at",
        "documents",
    ]
    list_filter = ["status", StaffWarehouseFilter, "mode", "country"]
    search_fields = [
        "reference",
        "carrier_ref",
        "recipient",
        "lines__variant__sku",
        "lines__variant__barcode",
    ]
    list_select_related = ["seller", "warehouse", "departure_unit"]
    inlines = [OutboundLineInline, ShipmentEventInline]
    actions = ["pick", "pack", "dispatch", "print_pick_lists", "print_packing_slips", "print_manifests"]
    readonly_fields = [
        "reference",
        "seller",
        "warehouse",
        "status",
        "recipient",
        "phone",
        "country",
        "city",
        "postal_code",
        "line1",
        "line2",
        "mode",
        "transit_days_min",
        "transit_days_max",
        "shipping_cost",
        "weight_kg",
        "length_cm",
        "width_cm",
        "height_cm",
        "carrier_ref",
        "seal_numbers",
        "departure_unit",
        "eta",
        "created_at",
        "released_at",
        "picked_at",
        "packed_at",
        "dispatched_at",
        "delivered_at",
        "cancelled_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by the orders app

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Unit")
    def unit(self, shipment: OutboundShipment) -> str:
        return shipment.departure_unit.number if shipment.departure_unit else "—"

    @admin.display(description="Print")
    def documents(self, shipment: OutboundShipment) -> str:
        return format_html(
            '<a href="{}" target="_blank">pick list</a> · <a href="{}" target="_blank">packing slip</a>',
            reverse("admin:warehouses_outbound_pick_list", args=[shipment.pk]),
            reverse("admin:warehouses_outbound_packing_slip", args=[shipment.pk]),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        extra = [
            path("<path:object_id>/pick-list/", view(self.pick_list_view), name="warehouses_outbound_pick_list"),
            path(
                "<path:object_id>/packing-slip/", view(self.packing_slip_view), name="warehouses_outbound_packing_slip"
            ),
            path("manifest/<int:departure_id>/", view(self.manifest_view), name="warehouses_outbound_manifest"),
        ]
        return extra + super().get_urls()

    def _document_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            self.get_queryset(request).select_related("warehouse", "seller").prefetch_related("lines__variant__product")
        )

    def pick_list_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        shipment = self.get_object(request, object_id)
        return HttpResponse(pick_list_render(shipments=self._document_queryset(request).filter(pk=shipment.pk)))

    def packing_slip_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        shipment = self.get_object(request, object_id)
        return HttpResponse(packing_slip_render(shipments=self._document_queryset(request).filter(pk=shipment.pk)))

    def manifest_view(self, request: HttpRequest, departure_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        departure = (
            Departure.objects.select_related("lane__origin", "lane__destination").filter(pk=departure_id).first()
        )
        shipments = list(departure_manifest_shipments(user=request.user, departure_id=departure_id))
        if departure is None or not shipments:
            raise Http404("No shipments of your warehouses on this departure.")
        return HttpResponse(manifest_render(manifests=[manifest_build(departure=departure, shipments=shipments)]))

    # --- bulk actions (the same services as the scanner API)

    @admin.action(description="Pick selected shipments", permissions=["change"])
    def pick(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run_service(request, queryset, "pick", lambda s: outbound_shipment_pick(shipment=s, actor=request.user))

    @admin.action(description="Pack selected shipments (enter weights)…", permissions=["change"])
    def pack(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        shipments = list(queryset.order_by("pk"))
        form_class = pack_form_class(shipments)
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self.run_service(
                request,
                shipments,
                "pack",
                lambda s: outbound_shipment_pack(
                    shipment=s, actor=request.user, weight_kg=form.cleaned_data[f"weight_{s.pk}"]
                ),
            )
            return None
        return self._action_form(request, shipments, form, "pack", "Pack shipments")

    @admin.action(description="Dispatch selected shipments (carrier reference)…", permissions=["change"])
    def dispatch(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        shipments = list(queryset.order_by("pk"))
        form = DispatchForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self.run_service(
                request,
                shipments,
                "dispatch",
                lambda s: outbound_shipment_dispatch(
                    shipment=s,
                    carrier_ref=form.cleaned_data["carrier_ref"],
                    seal_numbers=form.seals(),
                    actor=request.user,
                ),
            )
            return None
        return self._action_form(request, shipments, form, "dispatch", "Dispatch shipments")

    def _action_form(
        self, request: HttpRequest, shipments: list[OutboundShipment], form: forms.Form, action: str, title: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "shipments": shipments,
            "form": form,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/warehouses/outboundshipment/action_form.html", context)

    @admin.action(description="Print pick lists", permissions=["view"])
    def print_pick_lists(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return HttpResponse(pick_list_render(shipments=self._document_queryset(request).filter(pk__in=queryset)))

    @admin.action(description="Print packing slips", permissions=["view"])
    def print_packing_slips(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return HttpResponse(packing_slip_render(shipments=self._document_queryset(request).filter(pk__in=queryset)))

    @admin.action(description="Print departure manifests", permissions=["view"])
    def print_manifests(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        departure_ids = sorted(
            {pk for pk in queryset.values_list("departure_unit__departure_id", flat=True) if pk is not None}
        )
        if not departure_ids:
            self.message_user(request, "None of the selected shipments is booked on a departure.", messages.WARNING)
            return None
        departures = Departure.objects.select_related("lane__origin", "lane__destination").in_bulk(departure_ids)
        manifests = [
            manifest_build(
                departure=departures[pk], shipments=departure_manifest_shipments(user=request.user, departure_id=pk)
            )
            for pk in departure_ids
        ]
        return HttpResponse(manifest_render(manifests=manifests))
