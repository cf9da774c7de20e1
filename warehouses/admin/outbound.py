"""Outbound shipments in the admin: a shipment page with the next legal step as buttons.

Pick and pack are confirmed by scanning every line (the page counts the scans; the server checks
the same counts again, so a step without them changes nothing); dispatch asks for the document
the mode travels under (``warehouses.dispatch``). Every step calls the service the scanner API
calls, so the admin cannot skip a rule.
"""

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from warehouses.admin.forms import DispatchForm, PackForm, scanned_counts
from warehouses.admin.scoping import StaffWarehouseFilter, WarehouseScopedAdmin, error_messages
from warehouses.dispatch import dispatch_document_for
from warehouses.documents import manifest_build, manifest_render, packing_slip_render, pick_list_render
from warehouses.floor import floor_lines
from warehouses.models import OutboundShipment, OutboundStatus
from warehouses.selectors import departure_manifest_shipments
from warehouses.services import outbound_shipment_dispatch, outbound_shipment_pack, outbound_shipment_pick
from warehouses.services.outbound import catalogue_weight_kg
from warehouses.transport.models import Departure, LaneMode

#: The one step a shipment in each status can take next.
NEXT_STEP = {OutboundStatus.READY: "pick", OutboundStatus.PICKED: "pack", OutboundStatus.PACKED: "dispatch"}


def pack_form_class(shipments: list[OutboundShipment]) -> type[forms.Form]:
    """One weight field per shipment (the bulk action), prefilled with what the catalogue says."""
    fields = {
        f"weight_{shipment.pk}": forms.DecimalField(
            label=gettext("%(reference)s weight (kg)") % {"reference": shipment.reference},
            min_value=Decimal("0.001"),
            max_digits=10,
            decimal_places=3,
            initial=catalogue_weight_kg(shipment),
        )
        for shipment in shipments
    }
    return type("BulkPackForm", (forms.Form,), fields)


@admin.register(OutboundShipment)
class OutboundShipmentAdmin(WarehouseScopedAdmin):
    # Print links right after the reference: they stay on screen at 1366 px.
    list_display = [
        "reference",
        "documents",
        "status",
        "mode_display",
        "recipient",
        "country",
        "unit",
        "seller",
        "warehouse",
        "created_at",
    ]
    list_filter = ["status", StaffWarehouseFilter, "mode", "country"]
    search_fields = ["reference", "carrier_ref", "recipient", "lines__variant__sku", "lines__variant__barcode"]
    list_select_related = ["seller", "warehouse", "departure_unit"]
    actions = ["pick", "pack", "dispatch", "print_pick_lists", "print_packing_slips", "print_manifests"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by the orders app

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("unit"))
    def unit(self, shipment: OutboundShipment) -> str:
        return shipment.departure_unit.number if shipment.departure_unit else "—"

    @admin.display(description=_("mode"), ordering="mode")
    def mode_display(self, shipment: OutboundShipment) -> str:
        return str(LaneMode(shipment.mode).label) if shipment.mode in LaneMode.values else (shipment.mode or "—")

    @admin.display(description=_("print"))
    def documents(self, shipment: OutboundShipment) -> str:
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}" target="_blank">{}</a>',
            reverse("admin:warehouses_outbound_pick_list", args=[shipment.pk]),
            gettext("pick list"),
            reverse("admin:warehouses_outbound_packing_slip", args=[shipment.pk]),
            gettext("packing slip"),
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

    # --- the shipment page

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        shipment = self.get_object(request, unquote(object_id))  # 404 outside the user's warehouses
        if not self.has_view_permission(request, shipment):
            raise PermissionDenied
        document = dispatch_document_for(shipment)
        pack_form = PackForm(initial={"weight_kg": catalogue_weight_kg(shipment)})
        dispatch_form = DispatchForm(document=document)
        if request.method == "POST":
            if not self.has_change_permission(request, shipment):
                raise PermissionDenied
            step = request.POST.get("step", "")
            if step == "pack":
                pack_form = PackForm(request.POST)
            elif step == "dispatch":
                dispatch_form = DispatchForm(request.POST, document=document)
            done = self._step(request, shipment, step, pack_form=pack_form, dispatch_form=dispatch_form)
            if done:
                return HttpResponseRedirect(request.path)
        return self._shipment_page(request, shipment, pack_form=pack_form, dispatch_form=dispatch_form)

    def _step(
        self, request: HttpRequest, shipment: OutboundShipment, step: str, *, pack_form: PackForm, dispatch_form: Any
    ) -> bool:
        """Take the step asked for; True when it was taken. A refused step changes nothing."""
        expected = NEXT_STEP.get(shipment.status)
        if step not in NEXT_STEP.values():
            self.message_user(request, gettext("Unknown step."), messages.ERROR)
            return False
        if step != expected:
            self.message_user(
                request,
                gettext("Cannot %(step)s a shipment that is %(status)s.")
                % {"step": gettext(step), "status": shipment.get_status_display()},
                messages.ERROR,
            )
            return False
        lines = list(shipment.lines.select_related("variant"))
        if step in ("pick", "pack"):
            scanned = scanned_counts(request.POST, lines)
            missing = [line for line in lines if scanned[line.pk] != line.quantity]
            if missing:
                for line in missing:
                    self.message_user(
                        request,
                        gettext("Scan every unit first: %(sku)s %(scanned)d of %(quantity)d.")
                        % {"sku": line.variant.sku, "scanned": scanned[line.pk], "quantity": line.quantity},
                        messages.ERROR,
                    )
                return False
        try:
            if step == "pick":
                outbound_shipment_pick(shipment=shipment, actor=request.user)
            elif step == "pack":
                if not pack_form.is_valid():
                    return False
                outbound_shipment_pack(shipment=shipment, actor=request.user, **pack_form.cleaned_data)
            else:
                if not dispatch_form.is_valid():
                    return False
                outbound_shipment_dispatch(
                    shipment=shipment,
                    carrier_ref=dispatch_form.cleaned_data["carrier_ref"],
                    carrier_name=dispatch_form.cleaned_data.get("carrier_name", ""),
                    seal_numbers=dispatch_form.seals(),
                    actor=request.user,
                )
        except DomainError as error:
            for message in error_messages(error):
                self.message_user(request, message, messages.ERROR)
            return False
        shipment.refresh_from_db()
        self.message_user(
            request,
            gettext("%(reference)s: %(status)s.")
            % {"reference": shipment.reference, "status": shipment.get_status_display()},
            messages.SUCCESS,
        )
        return True

    def _shipment_page(
        self, request: HttpRequest, shipment: OutboundShipment, *, pack_form: PackForm, dispatch_form: Any
    ) -> HttpResponse:
        shipment = (
            OutboundShipment.objects.select_related(
                "warehouse",
                "seller",
                "departure_unit__departure__lane__origin",
                "departure_unit__departure__lane__destination",
            )
            .prefetch_related("events")
            .get(pk=shipment.pk)
        )
        lines = shipment.lines.select_related("variant__product").prefetch_related("variant__product__images")
        departure = shipment.departure_unit.departure if shipment.departure_unit else None
        texts = {
            "counted": gettext("{sku}: {n} of {of} confirmed"),
            "unknown": gettext("{code} is not on this shipment"),
            "already": gettext("{sku} is already complete"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": shipment.reference,
            "shipment": shipment,
            "rows": floor_lines(warehouse_id=shipment.warehouse_id, lines=lines),
            "step": NEXT_STEP.get(shipment.status),
            "can_change": self.has_change_permission(request, shipment),
            "mode_label": self.mode_display(shipment),
            "document": dispatch_form.document,
            "pack_form": pack_form,
            "dispatch_form": dispatch_form,
            "departure": departure,
            "departure_admin_url": (
                reverse("admin:transport_departure_change", args=[departure.pk])
                if departure is not None and request.user.has_perm("transport.view_departure")
                else None
            ),
            "events": shipment.events.all(),
            "scan_texts": json.dumps(texts),
        }
        return TemplateResponse(request, "admin/warehouses/outboundshipment/shipment.html", context)

    # --- documents

    def _document_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            self.get_queryset(request)
            .select_related("warehouse", "seller")
            .prefetch_related("lines__variant__product__images")
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
            raise Http404(gettext("No shipments of your warehouses on this departure."))
        return HttpResponse(manifest_render(manifests=[manifest_build(departure=departure, shipments=shipments)]))

    # --- bulk actions (the same services as the scanner API)

    @admin.action(description=_("Pick selected shipments"), permissions=["change"])
    def pick(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run_service(
            request, queryset, gettext("pick"), lambda s: outbound_shipment_pick(shipment=s, actor=request.user)
        )

    @admin.action(description=_("Pack selected shipments (enter weights)…"), permissions=["change"])
    def pack(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        shipments = list(queryset.order_by("pk"))
        form_class = pack_form_class(shipments)
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self.run_service(
                request,
                shipments,
                gettext("pack"),
                lambda s: outbound_shipment_pack(
                    shipment=s, actor=request.user, weight_kg=form.cleaned_data[f"weight_{s.pk}"]
                ),
            )
            return None
        return self._action_form(request, shipments, form, "pack", gettext("Pack shipments"))

    @admin.action(description=_("Dispatch selected shipments (carrier reference)…"), permissions=["change"])
    def dispatch(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        shipments = list(queryset.select_related("warehouse").order_by("pk"))
        documents = {dispatch_document_for(shipment).kind: dispatch_document_for(shipment) for shipment in shipments}
        if len(documents) != 1:
            self.message_user(
                request,
                gettext("These shipments leave under different documents; dispatch them one by one."),
                messages.ERROR,
            )
            return None
        form = DispatchForm(request.POST if "apply" in request.POST else None, document=next(iter(documents.values())))
        if "apply" in request.POST and form.is_valid():
            self.run_service(
                request,
                shipments,
                gettext("dispatch"),
                lambda s: outbound_shipment_dispatch(
                    shipment=s,
                    carrier_ref=form.cleaned_data["carrier_ref"],
                    carrier_name=form.cleaned_data.get("carrier_name", ""),
                    seal_numbers=form.seals(),
                    actor=request.user,
                ),
            )
            return None
        return self._action_form(request, shipments, form, "dispatch", gettext("Dispatch shipments"))

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

    @admin.action(description=_("Print pick lists"), permissions=["view"])
    def print_pick_lists(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return HttpResponse(pick_list_render(shipments=self._document_queryset(request).filter(pk__in=queryset)))

    @admin.action(description=_("Print packing slips"), permissions=["view"])
    def print_packing_slips(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return HttpResponse(packing_slip_render(shipments=self._document_queryset(request).filter(pk__in=queryset)))

    @admin.action(description=_("Print departure manifests"), permissions=["view"])
    def print_manifests(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        departure_ids = sorted(
            {pk for pk in queryset.values_list("departure_unit__departure_id", flat=True) if pk is not None}
        )
        if not departure_ids:
            self.message_user(
                request, gettext("None of the selected shipments is booked on a departure."), messages.WARNING
            )
            return None
        departures = Departure.objects.select_related("lane__origin", "lane__destination").in_bulk(departure_ids)
        manifests = [
            manifest_build(
                departure=departures[pk], shipments=departure_manifest_shipments(user=request.user, departure_id=pk)
            )
            for pk in departure_ids
        ]
        return HttpResponse(manifest_render(manifests=manifests))
