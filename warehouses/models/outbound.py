"""Outbound shipments: one per (seller order, warehouse), picked, packed, dispatched and tracked."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import money_field


class OutboundStatus(models.TextChoices):
    PENDING = "pending", "Pending payment"
    READY = "ready", "Ready to pick"
    PICKED = "picked", "Picked"
    PACKED = "packed", "Packed"
    DISPATCHED = "dispatched", "Dispatched"
    IN_TRANSIT = "in_transit", "In transit"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class OutboundShipment(models.Model):
    warehouse = models.ForeignKey("warehouses.Warehouse", on_delete=models.PROTECT, related_name="outbound_shipments")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="outbound_shipments")
    reference = models.CharField(max_length=64, help_text="The seller order this ships (e.g. its number).")
    status = models.CharField(max_length=12, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    # A copy of the destination: the buyer may edit their address book later, the parcel keeps this one.
    recipient = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20, blank=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=16, blank=True)
    transit_days_min = models.PositiveSmallIntegerField(null=True, blank=True)
    transit_days_max = models.PositiveSmallIntegerField(null=True, blank=True)
    shipping_cost = money_field(null=True, blank=True)
    # Filled when packed: what the scale and the tape measure say.
    weight_kg = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    length_cm = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    # Filled when dispatched: a TIR carnet number or an SMGS consignment note number, and TIR seals.
    carrier_ref = models.CharField(max_length=64, blank=True)
    seal_numbers = models.JSONField(default=list, blank=True)
    departure_unit = models.ForeignKey(
        "transport.DepartureUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_shipments"
    )
    eta = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)
    picked_at = models.DateTimeField(null=True, blank=True)
    packed_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "warehouse"], name="outbound_unique_per_order_warehouse")
        ]
        indexes = [models.Index(fields=["warehouse", "status"], name="outbound_warehouse_status")]

    def __str__(self) -> str:
        return f"{self.reference} @ {self.warehouse.code} ({self.status})"

    @property
    def origin_hub(self):  # type: ignore[no-untyped-def]
        return self.warehouse.hub

    @property
    def destination(self) -> dict[str, str]:
        return {
            "recipient": self.recipient,
            "phone": self.phone,
            "country": self.country,
            "city": self.city,
            "postal_code": self.postal_code,
            "line1": self.line1,
            "line2": self.line2,
        }


class OutboundLine(models.Model):
    shipment = models.ForeignKey(OutboundShipment, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("marketplace.ProductVariant", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    declared_unit_value = money_field()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"

    @property
    def declared_value(self):  # type: ignore[no-untyped-def]
        return self.declared_unit_value * self.quantity

    @property
    def weight_kg(self) -> Decimal:
        return (self.variant.weight_kg or Decimal(0)) * self.quantity


class ShipmentEventCode(models.TextChoices):
    CONSOLIDATED = "consolidated", "Booked on a departure"
    DISPATCHED = "dispatched", "Dispatched"
    DEPARTED = "departed", "Departed the hub"
    BORDER_CROSSING = "border_crossing", "Crossed a border"
    GAUGE_CHANGE = "gauge_change", "Reloaded at a gauge change"
    ARRIVED_HUB = "arrived_hub", "Arrived at a hub"
    CUSTOMS_CLEARED = "customs_cleared", "Cleared customs"
    DELAYED = "delayed", "Delayed"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"


class ShipmentEvent(models.Model):
    """A tracking event the buyer sees; ``delivered`` also moves the shipment to delivered."""

    shipment = models.ForeignKey(OutboundShipment, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=20, choices=ShipmentEventCode.choices)
    location = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.location} {self.occurred_at:%Y-%m-%d %H:%M}"
