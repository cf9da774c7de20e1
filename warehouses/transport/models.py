"""Hubs and lanes of the transport network, scheduled departures with their units, delivery estimates.

Rates and transit times are data with effective dates (DOMAIN.md), editable in the admin; the
pure planner in ``warehouses.fulfilment`` reads a snapshot of them built by a selector.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class HubKind(models.TextChoices):
    ORIGIN_HUB = "origin_hub", _("Origin hub")
    BORDER_PORT = "border_port", _("Border port")
    DRY_PORT = "dry_port", _("Dry port")
    BORDER_GATEWAY = "border_gateway", _("Border gateway")
    OVERSEAS_WAREHOUSE = "overseas_warehouse", _("Overseas warehouse city")
    SEA_PORT = "sea_port", _("Sea port")


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
    TIR = "tir", _("TIR truck")
    RAIL = "rail", _("Rail")
    RAIL_ROAD = "rail_road", _("Rail + road")
    RAIL_SEA_RAIL = "rail_sea_rail", _("Rail + sea + rail")
    ROAD = "road", _("Road (domestic / non-TIR)")
    SEA = "sea", _("Sea (container ship)")


class ColdChain(models.TextChoices):
    YES = "yes", _("Reefer routinely available")
    LIMITED = "limited", _("Reefer only on scheduled or pilot trains")
    NO = "no", _("No cold chain")


class LaneStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISRUPTED = "disrupted", _("Disrupted (advisory)")
    CLOSED = "closed", _("Closed")


#: Fields that belong to the road or track, so a return direction always has its outbound's values.
SHARED_LANE_FIELDS = (
    "distance_km",
    "unit_capacity_kg",
    "unit_capacity_m3",
    "border_crossings",
    "gauge_change",
    "customs_borders",
    "eaeu_internal",
    "tir_eligible",
    "transit_countries",
    "seasonal_closures",
    "effective_from",
    "effective_to",
)


class Lane(models.Model):
    """One direction of a service between two hubs.

    A lane listed by the data is an *outbound* row; when it is ``two_way`` its opposite direction is
    a *return* row pointing at it through ``reverse_of``. A return row keeps its own days,
    departures, cut-off, cold chain, status and (optionally) prices; everything in
    ``SHARED_LANE_FIELDS`` is copied from the outbound row. Empty prices on a return row mean
    "the outbound prices × FULFILMENT_BACKHAUL_FACTOR".
    """

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
    groupage_usd_per_kg = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Empty on a return direction: the outbound price × the backhaul factor.",
    )
    full_unit_usd = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty on a return direction: the outbound price × the backhaul factor.",
    )
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
    two_way = models.BooleanField(
        default=True, help_text="The opposite direction runs too (its return row); off when the data says one-way."
    )
    reverse_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="return_direction",
        help_text="Set on a return direction: the outbound lane it reverses.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["origin__code", "destination__code", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination", "mode"], name="lane_unique_per_mode"),
            # Prices come in pairs; only a return direction may leave both to the backhaul factor.
            models.CheckConstraint(
                condition=(
                    models.Q(groupage_usd_per_kg__isnull=False, full_unit_usd__isnull=False)
                    | models.Q(groupage_usd_per_kg__isnull=True, full_unit_usd__isnull=True, reverse_of__isnull=False)
                ),
                name="lane_prices_given_or_backhaul",
            ),
            models.CheckConstraint(
                condition=models.Q(transit_days_min__lte=models.F("transit_days_typical"))
                & models.Q(transit_days_typical__lte=models.F("transit_days_p90")),
                name="lane_transit_days_ordered",
            ),
            models.CheckConstraint(condition=~models.Q(origin=models.F("destination")), name="lane_not_a_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.origin.code}→{self.destination.code} {self.mode}"

    @property
    def is_return(self) -> bool:
        return self.reverse_of_id is not None

    @property
    def is_priced_by_backhaul(self) -> bool:
        return self.is_return and self.full_unit_usd is None

    def prices_usd(self, backhaul_factor: Decimal) -> tuple[Decimal, Decimal]:
        """(per kg, per unit) in USD: its own, or the outbound's × the backhaul factor (``reverse_of`` loaded)."""
        if self.groupage_usd_per_kg is not None and self.full_unit_usd is not None:
            return self.groupage_usd_per_kg, self.full_unit_usd
        outbound = self.reverse_of
        if outbound is None or outbound.groupage_usd_per_kg is None or outbound.full_unit_usd is None:
            raise ValueError(f"lane {self} has no price and no priced outbound direction")
        step = Decimal("0.0001")
        return (
            (outbound.groupage_usd_per_kg * backhaul_factor).quantize(step),
            (outbound.full_unit_usd * backhaul_factor).quantize(step),
        )


class DepartureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned (accepting shipments)")
    CLOSED = "closed", _("Cut-off passed")
    DEPARTED = "departed", _("Departed")


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
