"""Payments and refunds of an order, webhook events received, and payouts (transfers) to sellers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import money_field


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending (waiting for the buyer)")
    RETRY = "retry", _("Not opened: the provider could not be reached; the buyer may retry")
    FAILED = "failed", _("Declined; the buyer may try again")
    SUCCEEDED = "succeeded", _("Succeeded")
    CANCELLED = "cancelled", _("Cancelled (order cancelled or expired before payment)")
    REFUNDED = "refunded", _("Refunded in full")


#: A payment the buyer can still complete (or open again).
PAYABLE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.RETRY, PaymentStatus.FAILED)


class Payment(models.Model):
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="payment", verbose_name=_("order")
    )
    provider = models.CharField(_("provider"), max_length=20)
    status = models.CharField(_("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = money_field(
        help_text="What is charged: the order total as the provider can charge it.", verbose_name=_("amount")
    )
    provider_payment_id = models.CharField(_("provider payment id"), max_length=120, blank=True, db_index=True)
    client_secret = models.CharField(_("client secret"), max_length=200, null=True, blank=True)
    provider_reference = models.CharField(
        _("provider reference"), max_length=120, blank=True, help_text="The provider's id of the confirmed charge."
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who confirmed an offline payment by hand (staff in production).",
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.provider} {self.status} {self.amount}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money sent back; ``idempotency_key`` is unique (and is the provider's key) so a retry refunds once."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    seller_order = models.ForeignKey(
        "orders.SellerOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        help_text="The seller's part refunded; empty for a refund of the order as a whole.",
    )
    amount = money_field(verbose_name=_("amount"))
    status = models.CharField(_("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=120, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    restocked = models.BooleanField(
        _("restocked"), default=False, help_text="Stock returned (the goods never left the warehouse)."
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"refund {self.amount} ({self.status})"


class WebhookEvent(models.Model):
    """A provider event received; ``processed_at`` is set in the same transaction as its effect.

    The unique ``event_id`` turns a redelivery into a no-op: the row exists, and once processed
    the task that would apply it again sees ``processed_at`` under the row lock and stops.
    """

    provider = models.CharField(_("provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payload = models.JSONField(_("payload"), help_text="The event's object, as received (after signature checking).")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    deliveries = models.PositiveIntegerField(_("deliveries"), default=1)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["processed_at", "received_at"], name="webhook_event_backlog")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class TransferStatus(models.TextChoices):
    HELD = "held", _("Held (seller's payouts not enabled yet)")
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed (retried on the next run)")
    NOTHING_DUE = "nothing_due", _("Nothing due (refunded or netted against earlier refunds)")


class SellerTransfer(models.Model):
    """The payout of one seller order's share to the seller (Connect transfer ``tr:<order>:<seller>``)."""

    seller_order = models.OneToOneField(
        "orders.SellerOrder", on_delete=models.PROTECT, related_name="transfer", verbose_name=_("seller order")
    )
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="transfers", verbose_name=_("seller")
    )
    amount = money_field(null=True, blank=True, help_text="Set when the transfer is sent.", verbose_name=_("amount"))
    status = models.CharField(
        _("status"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    destination = models.CharField(_("destination"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("seller payout")
        verbose_name_plural = _("seller payouts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"transfer {self.idempotency_key} ({self.status})"
