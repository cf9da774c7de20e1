"""Warehouses (each at a transport hub) and the staff assigned to them."""

from django.conf import settings
from django.db import models


class WarehouseKind(models.TextChoices):
    ORIGIN_HUB = "origin_hub", "Origin hub (China)"
    OVERSEAS = "overseas", "Overseas warehouse"


class Warehouse(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="Short code used by scanners and sellers, e.g. ALA.")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, help_text="IANA zone the warehouse works in.")
    hub = models.ForeignKey("transport.Hub", on_delete=models.PROTECT, related_name="warehouses")
    cold_storage = models.BooleanField(default=False)
    kind = models.CharField(max_length=16, choices=WarehouseKind.choices)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StaffAssignment(models.Model):
    """A user who works at a warehouse: sees and changes only its stock and shipments."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="warehouse_assignments")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="staff_assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "warehouse"], name="staff_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.warehouse.code}"
