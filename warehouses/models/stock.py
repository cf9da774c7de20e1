"""Stock per variant per warehouse, and the ledger every change writes."""

from django.conf import settings
from django.db import models
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Stock counts are IntegerFields (32-bit on PostgreSQL): no count or change may pass this.
STOCK_UNITS_MAX = 2**31 - 1


class Stock(models.Model):
    """``on_hand`` units are on the shelf; ``reserved`` of them are promised to orders not yet shipped.

    The database refuses negative counts and more reserved than on hand, so no code path can
    oversell even if a service had a bug; services change the counts with conditional updates.
    """

    variant = models.ForeignKey(
        "marketplace.ProductVariant", on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("variant")
    )
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="stock", verbose_name=_("warehouse")
    )
    # The variant's product, copied: a variant never changes product, so the copy cannot go stale.
    # Set when the row is created (``stock_receive_many``, the one place that creates rows), it
    # lets the catalog ask "does this product have available stock" from one index
    # (``stock_available_product_idx``) instead of joining stock, variants and products.
    product = models.ForeignKey(
        "marketplace.Product",
        on_delete=models.PROTECT,
        related_name="stock_levels",
        editable=False,
        verbose_name=_("product"),
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    # ``on_hand > reserved``, computed by the database on every write (no service can forget it).
    # The catalog's index is partial on this column rather than on ``on_hand > reserved``: an
    # index whose predicate names ``reserved`` makes every reservation a non-HOT update that
    # writes into each index of the table, the flash sale's hot row included; this column changes
    # (and the update leaves HOT) only when the row's availability crosses zero.
    is_available = models.GeneratedField(
        expression=GreaterThan(models.F("on_hand"), models.F("reserved")),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("available"),
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        default=5,
        help_text=_("The low-stock view lists this row when available units fall to this level."),
    )
    # Where the units sit (aisle-rack-shelf, e.g. "A-03-2"): pick lists are sorted by it.
    bin_location = models.CharField(
        _("bin location"), max_length=32, blank=True, help_text=_("Aisle-rack-shelf, e.g. A-03-2.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["warehouse__code", "variant_id"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        indexes = [
            # The catalog's "some active variant of this product has available units here"
            # (``warehouses.catalog``): one probe per product for a page, and for a count one walk
            # of the available rows in product order, merged with ``product_status_reach_idx``.
            models.Index(
                fields=["product", "warehouse", "variant"],
                condition=models.Q(is_available=True),
                name="stock_available_product_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="stock_unique_per_warehouse"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_non_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_non_negative"),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} @ {self.warehouse_id}: {self.on_hand} on hand, {self.reserved} reserved"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class LedgerKind(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    RESERVE = "reserve", _("Reserve")
    RELEASE = "release", _("Release")
    SHIP = "ship", _("Ship")
    ADJUST = "adjust", _("Adjust")
    COUNT = "count", _("Cycle count")


class StockLedgerEntry(models.Model):
    """One change of a stock row; the sums of the deltas always equal the row's counts."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("stock"))
    kind = models.CharField(_("kind"), max_length=8, choices=LedgerKind.choices)
    on_hand_delta = models.IntegerField(_("on hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Order, shipment or inbound reference.")
    )
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock ledger entry")
        verbose_name_plural = _("stock ledger entries")
        indexes = [models.Index(fields=["reference"], name="stock_ledger_reference")]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_delta:+}/{self.reserved_delta:+} ({self.reference})"
