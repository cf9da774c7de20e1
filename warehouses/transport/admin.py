"""Admin for the transport network: hubs and lanes are editable by platform staff."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from warehouses.transport.models import DeliveryEstimate, Departure, DepartureUnit, Hub, Lane


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "kind", "timezone"]
    list_filter = ["country", "kind"]
    search_fields = ["code", "name"]


@admin.register(Lane)
class LaneAdmin(admin.ModelAdmin):
    list_display = [
        "origin",
        "destination",
        "mode",
        "distance_km",
        "transit_days_typical",
        "transit_days_p90",
        "cold_chain",
        "status",
    ]
    list_filter = ["mode", "cold_chain", "status", "tir_eligible"]
    search_fields = ["origin__code", "destination__code", "origin__name", "destination__name"]
    list_select_related = ["origin", "destination"]


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
