"""Admin for the transport network: hubs and lanes (each with its return direction) are editable by platform staff."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from warehouses.transport.models import SHARED_LANE_FIELDS, DeliveryEstimate, Departure, DepartureUnit, Hub, Lane
from warehouses.transport.selectors import backhaul_factor
from warehouses.transport.services import lane_return_sync


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "kind", "timezone"]
    list_filter = ["country", "kind"]
    search_fields = ["code", "name"]


class ReturnDirectionInline(admin.StackedInline):
    """The opposite direction of a two-way lane: only what may differ per direction is edited here."""

    model = Lane
    fk_name = "reverse_of"
    max_num = 1
    extra = 0
    can_delete = False
    verbose_name = "return direction"
    verbose_name_plural = "return direction (the road, borders and closures are the outbound lane's)"
    fields = [
        ("transit_days_min", "transit_days_typical", "transit_days_p90"),
        ("departures_per_week", "departure_weekdays", "cutoff_time"),
        ("groupage_usd_per_kg", "full_unit_usd"),
        ("cold_chain", "status"),
        "advisory",
        "notes",
        ("sources", "confidence"),
    ]


@admin.register(Lane)
class LaneAdmin(admin.ModelAdmin):
    list_display = [
        "origin",
        "destination",
        "mode",
        "direction",
        "distance_km",
        "transit_days_typical",
        "transit_days_p90",
        "unit_price",
        "cold_chain",
        "status",
        "confidence",
    ]
    list_filter = ["mode", "cold_chain", "status", "tir_eligible", "two_way", "confidence"]
    search_fields = ["origin__code", "destination__code", "origin__name", "destination__name"]
    list_select_related = ["origin", "destination", "reverse_of"]
    inlines = [ReturnDirectionInline]

    @admin.display(description="direction")
    def direction(self, lane: Lane) -> str:
        if lane.is_return:
            return f"return of {lane.reverse_of}"
        return "outbound, two-way" if lane.two_way else "outbound, one-way"

    @admin.display(description="full unit USD")
    def unit_price(self, lane: Lane) -> str:
        per_unit = lane.prices_usd(backhaul_factor())[1]
        return f"{per_unit:,.2f} (backhaul ×{backhaul_factor()})" if lane.is_priced_by_backhaul else f"{per_unit:,.2f}"

    def get_inlines(self, request: HttpRequest, obj: Lane | None) -> list[type[InlineModelAdmin]]:  # type: ignore[override]
        # A return row has no return direction of its own.
        return [] if obj is not None and obj.is_return else list(self.inlines)

    def get_readonly_fields(self, request: HttpRequest, obj: Lane | None = None) -> list[str]:  # type: ignore[override]
        # On a return row the road, its borders and closures are the outbound lane's: edit them there.
        if obj is not None and obj.is_return:
            return ["origin", "destination", "mode", "reverse_of", "two_way", *SHARED_LANE_FIELDS]
        return ["reverse_of"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Lane:
            super().save_formset(request, form, formset, change)
            return
        outbound: Lane = form.instance
        for row in formset.save(commit=False):
            if row.pk is None:
                # A return direction added here runs on the outbound lane's road, the other way round.
                row.origin, row.destination, row.mode = outbound.destination, outbound.origin, outbound.mode
                row.cutoff_time = row.cutoff_time or outbound.cutoff_time
            row.reverse_of = outbound
            for name in SHARED_LANE_FIELDS:
                setattr(row, name, getattr(outbound, name))
            row.border_crossings = list(reversed(outbound.border_crossings or []))
            row.transit_countries = list(reversed(outbound.transit_countries or []))
            row.save()
        formset.save_m2m()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A new two-way lane gets its return direction; an edited road or border applies both ways.
        lane_return_sync(lane=form.instance)


class DepartureUnitInline(admin.TabularInline):
    model = DepartureUnit
    extra = 0
    fields = ["number", "capacity_kg", "loaded_kg", "capacity_m3", "loaded_m3", "shipments"]
    readonly_fields = ["shipments"]

    @admin.display(description="shipments")
    def shipments(self, unit: DepartureUnit) -> int:
        return unit.outbound_shipments.count() if unit.pk else 0


@admin.register(Departure)
class DepartureAdmin(admin.ModelAdmin):
    list_display = ["lane", "departs_at", "cutoff_at", "status", "unit_count", "manifest"]
    list_filter = ["status", "lane__mode", "lane__origin"]
    inlines = [DepartureUnitInline]
    list_select_related = ["lane__origin", "lane__destination"]
    readonly_fields = ["manifest"]
    date_hierarchy = "departs_at"

    @admin.display(description="units")
    def unit_count(self, departure: Departure) -> int:
        return departure.units.count()

    @admin.display(description="manifest")
    def manifest(self, departure: Departure) -> str:
        """Link to the warehouses app's printable manifest (scoped to the viewer's warehouses)."""
        if not departure.pk:
            return "-"
        try:
            url = reverse("admin:warehouses_outbound_manifest", args=[departure.pk])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}" target="_blank">Manifest</a>', url)


@admin.register(DeliveryEstimate)
class DeliveryEstimateAdmin(admin.ModelAdmin):
    list_display = ["origin_hub", "destination_country", "days_min", "days_max", "mode", "usd_per_kg", "computed_at"]
    list_filter = ["destination_country", "mode"]
