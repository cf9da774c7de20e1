"""Orders split per seller (seller orders) and per warehouse (shipments), their lines and events.

Status lives on three levels: each shipment follows its warehouse outbound shipment, each seller
order follows its shipments, and the order follows its seller orders (see ``orders.stages``).
Every change is a conditional UPDATE recorded as an ``OrderEvent``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import money_field
from warehouses.models import OutboundStatus


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    PAID = "paid", _("Paid")
    ALLOCATED = "allocated", _("Allocated")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    EXPIRED = "expired", _("Expired")


# An order's shipment follows the warehouse's outbound shipment, status for status.
ShipmentStatus = OutboundStatus


class Preference(models.TextChoices):
    CHEAPEST = "cheapest", _("Cheapest")
    FASTEST = "fastest", _("Fastest")


class Order(models.Model):
    number = models.CharField(
        _("number"), max_length=32, unique=True, help_text="Human reference, e.g. KRV-2026-000123."
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    currency = models.CharField(_("currency"), max_length=3)
    preference = models.CharField(
        _("preference"), max_length=10, choices=Preference.choices, default=Preference.CHEAPEST
    )
    shipping_address = models.JSONField(_("shipping address"))
    destination_country = models.CharField(_("destination country"), max_length=2)
    subtotal = money_field(verbose_name=_("subtotal"))
    shipping_total = money_field(verbose_name=_("shipping total"))
    duties_total = money_field(verbose_name=_("duties total"))
    total = money_field(verbose_name=_("total"))
    duties_notes = models.JSONField(_("duties notes"), default=list, blank=True)
    exchange_rates = models.JSONField(
        _("exchange rates"),
        default=dict,
        blank=True,
        help_text='Rates used: {"CNY→KZT": {"rate": "70.13", "rate_ids": [3, 7]}}.',
    )
    is_livestream = models.BooleanField(_("livestream"), default=False)
    reserved_until = models.DateTimeField(_("reserved until"))
    placed_at = models.DateTimeField(_("placed at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text="Cancelled, expired or delivered at."
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [("view_operator_dashboard", "Can view the operator dashboard")]
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "reserved_until"], name="order_expiry_lookup"),
            models.Index(fields=["buyer", "-placed_at"], name="order_buyer_recent"),
        ]

    def __str__(self) -> str:
        return self.number


class SellerOrder(models.Model):
    """The part of an order one seller fulfils; the seller sees only these."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="seller_orders", verbose_name=_("order"))
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="seller_orders", verbose_name=_("seller")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    subtotal = money_field(help_text="Goods value in the order currency.", verbose_name=_("subtotal"))
    subtotal_seller = money_field(
        help_text="Goods value in the seller's currency (what the seller is paid on).",
        verbose_name=_("subtotal (seller's currency)"),
    )
    shipping_total = money_field(verbose_name=_("shipping total"))
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("seller order")
        verbose_name_plural = _("seller orders")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "seller"], name="seller_order_unique_per_order")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.seller_id}"


class OrderLine(models.Model):
    """A variant bought, with its price, currency and exchange rate frozen at placement."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    seller_order = models.ForeignKey(
        SellerOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("seller order")
    )
    variant = models.ForeignKey(
        "marketplace.ProductVariant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_seller = money_field(
        help_text="Unit price in the seller's currency at placement.", verbose_name=_("unit price (seller's currency)")
    )
    unit_price = money_field(
        help_text="Unit price in the order currency (rounded, for display).", verbose_name=_("unit price")
    )
    line_total = money_field(
        help_text="Unit price × quantity × rate, rounded once, in the order currency.", verbose_name=_("line total")
    )
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=24, decimal_places=10)
    exchange_rate_ids = models.JSONField(_("exchange rate ids"), default=list, blank=True)
    livestream = models.PositiveBigIntegerField(_("livestream"), null=True, blank=True)
    # The live offer whose cap this line's units were claimed from (the line was bought at the live
    # price); released (units back to the cap) when the order is cancelled or expires.
    live_offer = models.ForeignKey(
        "marketplace.LiveOffer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    live_released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderShipment(models.Model):
    """One parcel: a seller order's goods leaving one warehouse, with the route quoted for it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order"))
    seller_order = models.ForeignKey(
        SellerOrder, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("seller order")
    )
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    outbound_shipment = models.OneToOneField(
        "warehouses.OutboundShipment", on_delete=models.PROTECT, null=True, blank=True, related_name="order_shipment"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING
    )
    items = models.JSONField(_("items"), default=list, help_text='[{"line", "variant", "sku", "quantity"}]')
    mode = models.CharField(_("mode"), max_length=20, blank=True)
    transit_days_min = models.PositiveSmallIntegerField(_("transit days (min)"), null=True, blank=True)
    transit_days_max = models.PositiveSmallIntegerField(_("transit days (max)"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    legs = models.JSONField(_("legs"), default=list, blank=True)
    border_crossings = models.JSONField(_("border crossings"), default=list, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=12, decimal_places=3)
    volume_m3 = models.DecimalField(_("volume (m³)"), max_digits=12, decimal_places=6)
    declared_value = money_field(help_text="Goods value in the order currency.", verbose_name=_("declared value"))
    quoted_cost = money_field(help_text="The planner's price, in its currency (USD).", verbose_name=_("quoted cost"))
    shipping = money_field(help_text="Shipping charged, in the order currency.", verbose_name=_("shipping"))
    duties = money_field(
        null=True, blank=True, help_text="Estimated import duties and VAT; null when no rule is known."
    )
    duty_note = models.CharField(_("duty note"), max_length=300, blank=True)
    duty_rule = models.CharField(_("duty rule"), max_length=40, blank=True)
    duty_allowance_counted = money_field(
        null=True,
        blank=True,
        help_text="What this parcel used of the buyer's allowance (China's annual CBEC one), in the rule's currency.",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order shipment")
        verbose_name_plural = _("order shipments")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["seller_order", "warehouse"], name="order_shipment_unique_per_warehouse")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} from {self.warehouse_id}"


class OrderEvent(models.Model):
    """Who did what to an order, when; the buyer sees these as tracking."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    seller_order = models.ForeignKey(
        SellerOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("seller order")
    )
    shipment = models.ForeignKey(
        OrderShipment, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("shipment")
    )
    code = models.CharField(_("code"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(
        _("actor label"), max_length=60, blank=True, help_text="buyer, system, warehouse, payment provider…"
    )
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.code}"


class OrderEmail(models.Model):
    """One notification sent to the buyer; unique per (order, kind) so a retried task never sends twice."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=20)
    language = models.CharField(_("language"), max_length=10)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order email")
        verbose_name_plural = _("order emails")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="order_email_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
