"""Inbound shipments: goods a seller sends to a warehouse, received there line by line."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class InboundStatus(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    IN_TRANSIT = "in_transit", "In transit"
    RECEIVED = "received", "Received"
    DISCREPANCY = "discrepancy", "Received with a discrepancy"


OPEN_INBOUND_STATUSES = (InboundStatus.ANNOUNCED, InboundStatus.IN_TRANSIT)


class InboundShipment(models.Model):
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="inbound_shipments")
    warehouse = models.ForeignKey("warehouses.Warehouse", on_delete=models.PROTECT, related_name="inbound_shipments")
    status = models.CharField(max_length=12, choices=InboundStatus.choices, default=InboundStatus.ANNOUNCED)
    seller_reference = models.CharField(max_length=100, blank=True, help_text="The seller's own reference.")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["warehouse", "status"], name="inbound_warehouse_status")]

    def __str__(self) -> str:
        return f"{self.reference} → {self.warehouse.code}"

    @property
    def reference(self) -> str:
        return f"IN-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INBOUND_STATUSES


class InboundLine(models.Model):
    """One SKU of an inbound shipment; ``quantity_received`` stays empty until staff count it."""

    shipment = models.ForeignKey(InboundShipment, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("marketplace.ProductVariant", on_delete=models.PROTECT, related_name="+")
    quantity_expected = models.PositiveIntegerField()
    quantity_received = models.PositiveIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["shipment", "variant"], name="inbound_line_unique_variant")]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity_expected}"

    @property
    def difference(self) -> int | None:
        """Received minus expected: negative is a shortfall, positive a surplus, None not yet counted."""
        if self.quantity_received is None:
            return None
        return self.quantity_received - self.quantity_expected
