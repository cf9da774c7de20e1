"""Outbound shipments: one per (seller order, warehouse), picked, packed, dispatched and tracked."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import money_field


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending payment")
    READY = "ready", _("Ready to pick")
    PICKED = "picked", _("Picked")
    PACKED = "packed", _("Packed")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class OutboundShipment(models.Model):
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="outbound_shipments", verbose_name=_("warehouse")
    )
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="outbound_shipments", verbose_name=_("seller")
    )
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("The seller order this ships (e.g. its number).")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    # A copy of the destination: the buyer may edit their address book later, the parcel keeps this one.
    recipient = models.CharField(_("recipient"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    line1 = models.CharField(_("address line 1"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=16, blank=True)
    transit_days_min = models.PositiveSmallIntegerField(_("transit days (min)"), null=True, blank=True)
    transit_days_max = models.PositiveSmallIntegerField(_("transit days (max)"), null=True, blank=True)
    shipping_cost = money_field(null=True, blank=True, verbose_name=_("shipping cost"))
    # Filled when packed: what the scale and the tape measure say.
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=8, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=8, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=8, decimal_places=1, null=True, blank=True)
    # Filled when dispatched: a TIR carnet number or an SMGS consignment note number, and TIR seals.
    carrier_ref = models.CharField(_("carrier reference"), max_length=64, blank=True)
    # The courier of a local parcel (its tracking number is ``carrier_ref``); empty for TIR and rail.
    carrier_name = models.CharField(_("carrier"), max_length=64, blank=True)
    seal_numbers = models.JSONField(_("seal numbers"), default=list, blank=True)
    departure_unit = models.ForeignKey(
        "transport.DepartureUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_shipments",
        verbose_name=_("departure unit"),
    )
    eta = models.DateTimeField(_("ETA"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound shipment")
        verbose_name_plural = _("outbound shipments")
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
    shipment = models.ForeignKey(
        OutboundShipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("outbound shipment")
    )
    variant = models.ForeignKey(
        "marketplace.ProductVariant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    declared_unit_value = money_field(verbose_name=_("declared unit value"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbound line")
        verbose_name_plural = _("outbound lines")

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"

    @property
    def declared_value(self):  # type: ignore[no-untyped-def]
        return self.declared_unit_value * self.quantity

    @property
    def weight_kg(self) -> Decimal:
        return (self.variant.weight_kg or Decimal(0)) * self.quantity


class ShipmentEventCode(models.TextChoices):
    CONSOLIDATED = "consolidated", _("Booked on a departure")
    DISPATCHED = "dispatched", _("Dispatched")
    DEPARTED = "departed", _("Departed the hub")
    BORDER_CROSSING = "border_crossing", _("Crossed a border")
    GAUGE_CHANGE = "gauge_change", _("Reloaded at a gauge change")
    ARRIVED_HUB = "arrived_hub", _("Arrived at a hub")
    CUSTOMS_CLEARED = "customs_cleared", _("Cleared customs")
    DELAYED = "delayed", _("Delayed")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")


class ShipmentEvent(models.Model):
    """A tracking event the buyer sees; ``delivered`` also moves the shipment to delivered."""

    shipment = models.ForeignKey(
        OutboundShipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("outbound shipment")
    )
    code = models.CharField(_("event"), max_length=20, choices=ShipmentEventCode.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")

    def __str__(self) -> str:
        return f"{self.code} {self.location} {self.occurred_at:%Y-%m-%d %H:%M}"
