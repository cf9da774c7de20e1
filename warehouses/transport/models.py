"""Hubs and lanes of the transport network, scheduled departures with their units, delivery estimates.

Rates and transit times are data with effective dates (DOMAIN.md), editable in the admin; the
pure planner in ``warehouses.fulfilment`` reads a snapshot of them built by a selector.
"""

from django.db import models


class HubKind(models.TextChoices):
    ORIGIN_HUB = "origin_hub", "Origin hub"
    BORDER_PORT = "border_port", "Border port"
    DRY_PORT = "dry_port", "Dry port"
    BORDER_GATEWAY = "border_gateway", "Border gateway"
    OVERSEAS_WAREHOUSE = "overseas_warehouse", "Overseas warehouse city"


class Hub(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="Internal mnemonic (map to UN/LOCODE later).")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    timezone = models.CharField(max_length=64, help_text="IANA zone; departures and cut-offs are local to it.")
    kind = models.CharField(max_length=24, choices=HubKind.choices)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LaneMode(models.TextChoices):
    TIR = "tir", "TIR truck"
    RAIL = "rail", "Rail"
    RAIL_ROAD = "rail_road", "Rail + road"
    RAIL_SEA_RAIL = "rail_sea_rail", "Rail + sea + rail"
    ROAD = "road", "Road (domestic / non-TIR)"


class ColdChain(models.TextChoices):
    YES = "yes", "Reefer routinely available"
    LIMITED = "limited", "Reefer only on scheduled or pilot trains"
    NO = "no", "No cold chain"


class LaneStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISRUPTED = "disrupted", "Disrupted (advisory)"
    CLOSED = "closed", "Closed"


class Lane(models.Model):
    origin = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="lanes_out")
    destination = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="lanes_in")
    mode = models.CharField(max_length=16, choices=LaneMode.choices)
    distance_km = models.PositiveIntegerField()
    transit_days_min = models.PositiveSmallIntegerField()
    transit_days_typical = models.PositiveSmallIntegerField()
    transit_days_p90 = models.PositiveSmallIntegerField()
    departures_per_week = models.PositiveSmallIntegerField(default=7)
    departure_weekdays = models.JSONField(
        default=list, blank=True, help_text="Weekdays with a departure, 0=Monday … 6=Sunday; empty = every day."
    )
    cutoff_time = models.TimeField(help_text="Latest hand-over on a departure day, in the origin hub's time zone.")
    groupage_usd_per_kg = models.DecimalField(max_digits=10, decimal_places=4)
    full_unit_usd = models.DecimalField(max_digits=12, decimal_places=2)
    unit_capacity_kg = models.PositiveIntegerField()
    unit_capacity_m3 = models.DecimalField(max_digits=7, decimal_places=2)
    cold_chain = models.CharField(max_length=8, choices=ColdChain.choices, default=ColdChain.NO)
    border_crossings = models.JSONField(default=list, blank=True, help_text="Named crossing points on the lane.")
    gauge_change = models.CharField(max_length=200, blank=True)
    customs_borders = models.PositiveSmallIntegerField(default=0)
    eaeu_internal = models.BooleanField(default=False)
    tir_eligible = models.BooleanField(default=False)
    transit_countries = models.JSONField(
        default=list, blank=True, help_text="ISO2 codes of countries crossed between the two hubs, in route order."
    )
    seasonal_closures = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"from": "12-01", "to": "03-15", "reason": "..."}] (month-day, inclusive)',
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=LaneStatus.choices, default=LaneStatus.OPEN)
    advisory = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    confidence = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["origin__code", "destination__code", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination", "mode"], name="lane_unique_per_mode"),
            models.CheckConstraint(
                condition=models.Q(transit_days_min__lte=models.F("transit_days_typical"))
                & models.Q(transit_days_typical__lte=models.F("transit_days_p90")),
                name="lane_transit_days_ordered",
            ),
            models.CheckConstraint(condition=~models.Q(origin=models.F("destination")), name="lane_not_a_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.origin.code}→{self.destination.code} {self.mode}"


class DepartureStatus(models.TextChoices):
    PLANNED = "planned", "Planned (accepting shipments)"
    CLOSED = "closed", "Cut-off passed"
    DEPARTED = "departed", "Departed"


class Departure(models.Model):
    """One scheduled departure of a lane; shipments are consolidated into its units."""

    lane = models.ForeignKey(Lane, on_delete=models.PROTECT, related_name="departures")
    departs_at = models.DateTimeField()
    cutoff_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=DepartureStatus.choices, default=DepartureStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["departs_at"]
        constraints = [models.UniqueConstraint(fields=["lane", "departs_at"], name="departure_unique_per_lane")]

    def __str__(self) -> str:
        return f"{self.lane} {self.departs_at:%Y-%m-%d %H:%M}"


class DepartureUnit(models.Model):
    """A trailer or container on a departure, packed up to its weight and volume capacity."""

    departure = models.ForeignKey(Departure, on_delete=models.CASCADE, related_name="units")
    number = models.CharField(max_length=32, help_text="Trailer plate or container number.")
    capacity_kg = models.PositiveIntegerField()
    capacity_m3 = models.DecimalField(max_digits=7, decimal_places=2)
    loaded_kg = models.DecimalField(max_digits=10, decimal_places=3, default=0)
    loaded_m3 = models.DecimalField(max_digits=9, decimal_places=3, default=0)

    class Meta:
        ordering = ["departure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["departure", "number"], name="departure_unit_number_unique"),
            models.CheckConstraint(condition=models.Q(loaded_kg__lte=models.F("capacity_kg")), name="unit_kg_within"),
            models.CheckConstraint(condition=models.Q(loaded_m3__lte=models.F("capacity_m3")), name="unit_m3_within"),
        ]

    def __str__(self) -> str:
        return self.number


class DeliveryEstimate(models.Model):
    """Precomputed best delivery from an origin hub to a destination country, for catalog lists."""

    origin_hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="delivery_estimates")
    destination_country = models.CharField(max_length=2)
    days_min = models.PositiveSmallIntegerField()
    days_max = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=16, choices=LaneMode.choices)
    usd_per_kg = models.DecimalField(max_digits=10, decimal_places=4)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin_hub", "destination_country"], name="delivery_estimate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.origin_hub.code}→{self.destination_country}: {self.days_min}–{self.days_max} d by {self.mode}"
