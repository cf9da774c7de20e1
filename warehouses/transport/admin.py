"""Admin for the transport network: hubs and lanes are editable by platform staff."""

from django.contrib import admin

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


@admin.register(Departure)
class DepartureAdmin(admin.ModelAdmin):
    list_display = ["lane", "departs_at", "cutoff_at", "status"]
    list_filter = ["status", "lane__mode"]
    inlines = [DepartureUnitInline]
    list_select_related = ["lane__origin", "lane__destination"]


@admin.register(DeliveryEstimate)
class DeliveryEstimateAdmin(admin.ModelAdmin):
    list_display = ["origin_hub", "destination_country", "days_min", "days_max", "mode", "usd_per_kg", "computed_at"]
    list_filter = ["destination_country", "mode"]
