"""Refunds: of an order or of one seller's part, in full or in part, never more than was captured.

A refund is opened under the order's row lock (the cap is checked against every refund not
failed), then sent to the provider by a task with no lock held, with the refund's own unique
key as the provider's idempotency key. Its outcome (at once, or later by webhook) is applied
once: the ledger posting and the order's move to ``refunded`` happen in the same transaction.
"""

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import Money, money_round
from core.payments import PaymentProviderError, PaymentProviderUnreachable, ProviderRefund, payment_provider_get
from core.payments.base import REFUND_FAILED, REFUND_SUCCEEDED
from orders.exceptions import RefundExceedsCapture, RefundNotAllowed
from orders.models import (
    Order,
    OrderShipment,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    SellerOrder,
    ShipmentStatus,
)
from orders.services.events import order_event_record, order_transition
from orders.services.ledger import ledger_post_refund
from orders.stages import SHIPPED_SHIPMENT_STATUSES
from warehouses.models import OutboundStatus
from warehouses.services import outbound_shipment_cancel

REFUNDABLE_PAYMENT = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)


def _refunded(**filters: Any) -> Any:
    total = Refund.objects.filter(**filters).exclude(status=RefundStatus.FAILED).aggregate(total=Sum("amount"))
    return total["total"] or 0


def refundable_amount(*, payment: Payment, seller_order: SellerOrder | None = None) -> Money:
    """What may still be refunded: the capture less refunds not failed (and, for a seller order,
    its goods and shipping less refunds of it)."""
    currency = payment.amount.currency.code
    left = payment.amount.amount - _refunded(payment=payment)
    if seller_order is not None:
        part = seller_order.subtotal.amount + seller_order.shipping_total.amount - _refunded(seller_order=seller_order)
        left = min(left, part)
    return money_round(Money(max(left, 0), currency))


def _schedule(refund: Refund) -> None:
    from orders.tasks import refund_process_task

    transaction.on_commit(lambda: refund_process_task.delay(refund.pk))


def refund_open(
    *,
    order: Order,
    payment: Payment,
    amount: Money | None,
    seller_order: SellerOrder | None,
    key: str,
    reason: str,
    actor: Any = None,
) -> Refund:
    """Open a refund (the caller holds the order lock); the same ``key`` returns the first refund."""
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if payment.status not in REFUNDABLE_PAYMENT:
        raise RefundNotAllowed(extra={"payment_status": payment.status})
    left = refundable_amount(payment=payment, seller_order=seller_order)
    amount = left if amount is None else money_round(amount)
    if amount.currency != left.currency:
        raise RefundExceedsCapture(
            _("A refund is in the currency of the payment."),
            errors={"amount": [_("Use %(code)s, the currency the buyer paid in.") % {"code": left.currency.code}]},
        )
    if amount.amount <= 0 or amount > left:
        raise RefundExceedsCapture(
            errors={
                "amount": [
                    _("At most %(left)s %(currency)s is left to refund; got %(amount)s.")
                    % {"left": left.amount, "currency": left.currency.code, "amount": amount.amount}
                ]
            },
            extra={"refundable": {"amount": str(left.amount), "currency": left.currency.code}},
        )
    refund = Refund.objects.create(
        payment=payment,
        seller_order=seller_order,
        amount=amount,
        reason=reason[:200],
        idempotency_key=key,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    order_event_record(
        order=order,
        seller_order=seller_order,
        code="refund_requested",
        message=f"Refund of {amount} requested. {reason}".strip()[:300],
        actor=actor,
        actor_label="staff" if actor is not None else "system",
    )
    _schedule(refund)
    return refund


def refund_request(*, order: Order, reason: str) -> Refund | None:
    """The refund of everything left on a paid order (cancellation); once per order."""
    payment = Payment.objects.filter(order=order).first()
    if payment is None or payment.status != PaymentStatus.SUCCEEDED:
        return None
    if refundable_amount(payment=payment).amount <= 0:
        return None
    return refund_open(
        order=order, payment=payment, amount=None, seller_order=None, key=f"rf:{order.number}:full", reason=reason
    )


def _restock_seller_order(*, order: Order, seller_order: SellerOrder, actor: Any) -> bool:
    """Goods that never left the warehouse go back on sale; False when a parcel already left."""
    shipments = OrderShipment.objects.filter(seller_order=seller_order).select_related("outbound_shipment")
    if shipments.filter(status__in=SHIPPED_SHIPMENT_STATUSES).exists():
        return False
    for shipment in shipments.exclude(status=ShipmentStatus.CANCELLED).order_by("pk"):
        outbound = shipment.outbound_shipment
        if outbound is not None and outbound.status != OutboundStatus.CANCELLED:
            outbound_shipment_cancel(shipment=outbound, actor=actor)
        OrderShipment.objects.filter(pk=shipment.pk).update(status=ShipmentStatus.CANCELLED, updated_at=timezone.now())
    SellerOrder.objects.filter(pk=seller_order.pk).update(status=OrderStatus.CANCELLED, updated_at=timezone.now())
    return True


@transaction.atomic
def refund_create(
    *,
    order: Order,
    amount: Money | None,
    seller_order_id: int | None,
    reason: str,
    actor: Any,
    request_key: str | None,
) -> Refund:
    """Staff refund (``POST /orders/{id}/refunds/``): of the order or one seller's part, full or partial.

    A full refund of a seller order whose goods never left the warehouse also cancels its
    parcels, so the stock goes back on sale; a full refund of an order with nothing dispatched is
    its cancellation. ``request_key`` (the Idempotency-Key) makes a retried request refund once.
    """
    from orders.services.lifecycle import order_cancel

    order = Order.objects.select_for_update().get(pk=order.pk)
    payment = Payment.objects.select_for_update().get(order=order)
    digest = hashlib.sha256((request_key or "").encode()).hexdigest()[:32] if request_key else None
    key = (
        f"rf:{order.number}:{digest}"
        if digest
        else f"rf:{order.number}:n{Refund.objects.filter(payment=payment).count() + 1}"
    )
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    seller_order = None
    if seller_order_id is not None:
        seller_order = SellerOrder.objects.filter(order=order, pk=seller_order_id).select_related("seller").first()
        if seller_order is None:
            raise RefundExceedsCapture(
                _("Unknown seller order."), errors={"seller_order": [_("Not a part of this order.")]}
            )
    if payment.status not in REFUNDABLE_PAYMENT:
        raise RefundNotAllowed(extra={"payment_status": payment.status})
    left = refundable_amount(payment=payment, seller_order=seller_order)
    is_full = amount is None or money_round(amount) == left
    nothing_shipped = not OrderShipment.objects.filter(order=order, status__in=SHIPPED_SHIPMENT_STATUSES).exists()
    if (
        seller_order is None
        and is_full
        and nothing_shipped
        and order.status
        not in (
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
            OrderStatus.EXPIRED,
        )
    ):
        # Cancelling releases the stock and refunds what is left (after any earlier partial refunds).
        order_cancel(order=order, actor=actor, reason=reason or "Refunded in full by staff")
        return Refund.objects.get(idempotency_key=f"rf:{order.number}:full")
    refund = refund_open(
        order=order, payment=payment, amount=amount, seller_order=seller_order, key=key, reason=reason, actor=actor
    )
    if (
        seller_order is not None
        and is_full
        and _restock_seller_order(order=order, seller_order=seller_order, actor=actor)
    ):
        Refund.objects.filter(pk=refund.pk).update(restocked=True)
        refund.restocked = True
    return refund


def refund_process(*, refund: Refund) -> Refund:
    """Ask the provider to send the money back (no lock held meanwhile), then apply the outcome once."""
    refund = Refund.objects.select_related("payment", "payment__order").get(pk=refund.pk)
    if refund.status != RefundStatus.PENDING or refund.provider_reference:
        return refund
    provider = payment_provider_get(refund.payment.provider)
    try:
        result = provider.refund_create(
            payment_reference=refund.payment.provider_payment_id or refund.payment.provider_reference,
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
            metadata={"order_number": refund.payment.order.number},
        )
    except PaymentProviderUnreachable as error:
        # Left pending with no provider reference: the reconciliation run sends it again with the
        # same key, so it is refunded once even if this call did reach the provider.
        order_event_record(order=refund.payment.order, code="refund_delayed", message=f"Refund delayed: {error}"[:300])
        return refund
    except PaymentProviderError as error:
        result = ProviderRefund(reference="", status=REFUND_FAILED)
        order_event_record(
            order=refund.payment.order, code="refund_failed", message=f"The provider refused the refund: {error}"[:300]
        )
    return refund_state_apply(refund=refund, seen=result)


@transaction.atomic
def refund_state_apply(*, refund: Refund, seen: ProviderRefund) -> Refund:
    """Apply the provider's view of a refund: pending → succeeded or failed, once, in any order."""
    order = Order.objects.select_for_update().get(pk=refund.payment.order_id)
    refund = Refund.objects.select_for_update().select_related("payment", "payment__order").get(pk=refund.pk)
    if seen.reference and not refund.provider_reference:
        Refund.objects.filter(pk=refund.pk).update(provider_reference=seen.reference)
    if refund.status != RefundStatus.PENDING or seen.status not in (REFUND_SUCCEEDED, REFUND_FAILED):
        refund.refresh_from_db()
        return refund
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        status=RefundStatus.SUCCEEDED if seen.status == REFUND_SUCCEEDED else RefundStatus.FAILED,
        completed_at=timezone.now(),
    )
    refund.refresh_from_db()
    if refund.status == RefundStatus.FAILED:
        order_event_record(order=order, code="refund_failed", message="The refund failed; support will follow up.")
        return refund
    ledger_post_refund(refund=refund)
    payment = refund.payment
    if (
        refundable_amount(payment=payment).amount <= 0
        and not Refund.objects.filter(payment=payment, status=RefundStatus.PENDING).exists()
    ):
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.SUCCEEDED).update(status=PaymentStatus.REFUNDED)
    moved = order_transition(
        order=order,
        from_statuses=[OrderStatus.CANCELLED],
        to_status=OrderStatus.REFUNDED,
        code="refunded",
        message=f"Refund of {refund.amount} sent ({payment.provider}).",
        actor_label="payment provider",
    )
    if not moved:
        order_event_record(
            order=order,
            seller_order=refund.seller_order,
            code="refund_sent",
            message=f"Refund of {refund.amount} sent ({payment.provider}).",
            actor_label="payment provider",
        )
    if refund.seller_order_id is not None:
        SellerOrder.objects.filter(pk=refund.seller_order_id, status=OrderStatus.CANCELLED).update(
            status=OrderStatus.REFUNDED, updated_at=timezone.now()
        )
    return refund


def refund_for_provider(*, seen: ProviderRefund) -> Refund | None:
    """Our refund a provider refund event is about (by its id, or by our key in its metadata)."""
    if seen.reference:
        refund = Refund.objects.filter(provider_reference=seen.reference).first()
        if refund is not None:
            return refund
    if seen.idempotency_key:
        return Refund.objects.filter(idempotency_key=seen.idempotency_key).first()
    return None
