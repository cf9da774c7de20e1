"""Warehouses (each at a transport hub) and the staff assigned to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    ORIGIN_HUB = "origin_hub", _("Origin hub (China)")
    OVERSEAS = "overseas", _("Overseas warehouse")


class Warehouse(models.Model):
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Short code used by scanners and sellers, e.g. ALA.")
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    city = models.CharField(_("city"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, help_text=_("IANA zone the warehouse works in."))
    hub = models.ForeignKey("transport.Hub", on_delete=models.PROTECT, related_name="warehouses", verbose_name=_("hub"))
    cold_storage = models.BooleanField(_("cold storage"), default=False)
    kind = models.CharField(_("kind"), max_length=16, choices=WarehouseKind.choices)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StaffAssignment(models.Model):
    """A user who works at a warehouse: sees and changes only its stock and shipments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="warehouse_assignments",
        verbose_name=_("user"),
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="staff_assignments", verbose_name=_("warehouse")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [models.UniqueConstraint(fields=["user", "warehouse"], name="staff_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.warehouse.code}"
