"""Inbound shipments: goods a seller sends to a warehouse, received there line by line."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    DISCREPANCY = "discrepancy", _("Received with a discrepancy")


OPEN_INBOUND_STATUSES = (InboundStatus.ANNOUNCED, InboundStatus.IN_TRANSIT)


class InboundShipment(models.Model):
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="inbound_shipments", verbose_name=_("seller")
    )
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="inbound_shipments", verbose_name=_("warehouse")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.ANNOUNCED
    )
    seller_reference = models.CharField(
        _("seller's reference"), max_length=100, blank=True, help_text=_("The seller's own reference.")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("announced by"),
    )
    created_at = models.DateTimeField(_("announced at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inbound shipment")
        verbose_name_plural = _("inbound shipments")
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
    """One SKU of an inbound shipment; ``quantity_received`` stays empty until staff count it.

    ``quantity_received`` counts every unit that arrived; ``quantity_damaged`` of them (with a
    reason) were not put on the shelf, so only the difference became stock.
    """

    shipment = models.ForeignKey(
        InboundShipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("inbound shipment")
    )
    variant = models.ForeignKey(
        "marketplace.ProductVariant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    quantity_expected = models.PositiveIntegerField(_("expected"))
    quantity_received = models.PositiveIntegerField(_("received"), null=True, blank=True)
    quantity_damaged = models.PositiveIntegerField(
        _("damaged"), default=0, help_text=_("Units that arrived damaged: counted as received, not put on sale.")
    )
    damage_reason = models.CharField(_("damage reason"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("inbound line")
        verbose_name_plural = _("inbound lines")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "variant"], name="inbound_line_unique_variant"),
            models.CheckConstraint(
                condition=models.Q(quantity_damaged=0) | models.Q(quantity_received__gte=models.F("quantity_damaged")),
                name="inbound_line_damaged_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity_expected}"

    @property
    def difference(self) -> int | None:
        """Received minus expected: negative is a shortfall, positive a surplus, None not yet counted."""
        if self.quantity_received is None:
            return None
        return self.quantity_received - self.quantity_expected

    @property
    def quantity_sellable(self) -> int | None:
        """Units that went on the shelf (received less damaged)."""
        if self.quantity_received is None:
            return None
        return self.quantity_received - self.quantity_damaged
