"""Cycle counts: staff count some stock rows; the differences are booked through the stock ledger."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CycleCountStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    BOOKED = "booked", _("Booked")


class CycleCount(models.Model):
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="cycle_counts", verbose_name=_("warehouse")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CycleCountStatus.choices, default=CycleCountStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("booked by"),
    )
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cycle count")
        verbose_name_plural = _("cycle counts")

    def __str__(self) -> str:
        return f"{self.reference} @ {self.warehouse.code}"

    @property
    def reference(self) -> str:
        return f"CC-{self.pk}"


class CycleCountLine(models.Model):
    """One stock row to count. ``on_hand_at_count`` is what the system held when the count was
    entered: booking refuses a line whose row moved since (count it again), so a parcel
    dispatched between counting and booking is never booked as a loss."""

    count = models.ForeignKey(CycleCount, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cycle count"))
    stock = models.ForeignKey("warehouses.Stock", on_delete=models.PROTECT, related_name="+", verbose_name=_("stock"))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    on_hand_at_count = models.IntegerField(_("on hand when counted"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("counted by"),
    )
    difference = models.IntegerField(_("difference booked"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cycle count line")
        verbose_name_plural = _("cycle count lines")
        constraints = [models.UniqueConstraint(fields=["count", "stock"], name="cycle_count_line_unique_stock")]

    def __str__(self) -> str:
        return f"{self.count_id}: stock {self.stock_id}"
