"""Input and output shapes of the fulfilment API (docs/API.md "Fulfilment")."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.fields import MoneyField
from warehouses.transport.models import Hub, Lane
from warehouses.transport.selectors import backhaul_factor


class QuoteInputSerializer(serializers.Serializer):
    """A consignment to quote. ``pieces`` is optional: omitted means freely divisible goods
    (pallets spread over several trucks), 1 means a single parcel that must fit one unit."""

    origin = serializers.CharField(max_length=8, help_text="Hub or warehouse code.")
    destination = serializers.CharField(max_length=8, help_text="Hub or warehouse code, or an ISO2 country.")
    weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    volume_m3 = serializers.DecimalField(max_digits=9, decimal_places=3, min_value=Decimal(0), default=Decimal(0))
    declared_value = MoneyField(min_amount=Decimal(0))
    perishable = serializers.BooleanField(default=False)
    temperature_min_c = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    temperature_max_c = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    deadline_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True)
    shelf_life_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True)
    pieces = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True)
    preference = serializers.ChoiceField(choices=["cheapest", "fastest"], default="cheapest")
    ship_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("temperature_min_c"), attrs.get("temperature_max_c")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"temperature_min_c": [_("Must not be above temperature_max_c.")]})
        return attrs


class HubOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hub
        fields = ["code", "name", "country", "latitude", "longitude", "timezone", "kind"]


class LaneOutputSerializer(serializers.ModelSerializer):
    origin = serializers.CharField(source="origin.code")
    destination = serializers.CharField(source="destination.code")
    groupage_usd_per_kg = serializers.SerializerMethodField()
    full_unit_usd = serializers.SerializerMethodField()
    direction = serializers.SerializerMethodField()
    priced_by = serializers.SerializerMethodField()

    def _prices(self, lane: Lane) -> tuple[Decimal, Decimal]:
        return lane.prices_usd(backhaul_factor())

    def get_groupage_usd_per_kg(self, lane: Lane) -> str:
        return str(self._prices(lane)[0])

    def get_full_unit_usd(self, lane: Lane) -> str:
        return str(self._prices(lane)[1])

    def get_direction(self, lane: Lane) -> str:
        """``outbound`` as the data lists the lane, ``return`` for the opposite direction of a two-way lane."""
        return "return" if lane.is_return else "outbound"

    def get_priced_by(self, lane: Lane) -> str:
        """``data`` (a price of its own) or ``backhaul`` (the outbound price × FULFILMENT_BACKHAUL_FACTOR)."""
        return "backhaul" if lane.is_priced_by_backhaul else "data"

    class Meta:
        model = Lane
        fields = [
            "origin",
            "destination",
            "mode",
            "distance_km",
            "transit_days_min",
            "transit_days_typical",
            "transit_days_p90",
            "departures_per_week",
            "departure_weekdays",
            "cutoff_time",
            "groupage_usd_per_kg",
            "full_unit_usd",
            "unit_capacity_kg",
            "unit_capacity_m3",
            "cold_chain",
            "border_crossings",
            "gauge_change",
            "customs_borders",
            "eaeu_internal",
            "tir_eligible",
            "transit_countries",
            "seasonal_closures",
            "effective_from",
            "effective_to",
            "status",
            "advisory",
            "two_way",
            "direction",
            "priced_by",
            "sources",
            "confidence",
        ]
