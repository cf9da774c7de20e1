"""Payments: open the provider's payment after placement, apply what the provider says, confirm by hand.

``payment_confirm`` is the one way an order becomes paid (offline confirmation, a webhook, the
reconciliation task). It locks the order row first, so it races the expiry task cleanly:
whichever takes the lock first wins. A provider payment that succeeds after its order expired
or was cancelled is refunded in full automatically (docs/adr/0007-payments.md).

No provider call happens while a row lock is held: ``payment_open`` runs after the placement
transaction has committed, and ``payment_state_apply`` receives what the provider said.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import Money
from core.payments import PaymentProviderError, PaymentProviderUnreachable, ProviderPayment, payment_provider_get
from core.payments.base import PAYMENT_CANCELED, PAYMENT_FAILED, PAYMENT_SUCCEEDED
from orders.emails import order_email_schedule
from orders.exceptions import ManualPaymentNotAllowed, OrderNotPayable, PaymentAmountMismatch, PaymentNotRetryable
from orders.models import (
    PAYABLE_STATUSES,
    Order,
    OrderShipment,
    OrderStatus,
    Payment,
    PaymentStatus,
    SellerOrder,
    ShipmentStatus,
)
from orders.services.events import order_event_record, order_transition, seller_order_transition
from orders.services.ledger import ledger_post_charge
from warehouses.services import outbound_shipment_release

logger = logging.getLogger(__name__)


def _release_shipments(*, order: Order, actor: Any) -> None:
    """Paid: every shipment goes on its warehouse's pick list; the order is then allocated."""
    shipments = OrderShipment.objects.filter(order=order, status=ShipmentStatus.PENDING).select_related(
        "outbound_shipment", "warehouse"
    )
    for shipment in shipments.order_by("pk"):
        if shipment.outbound_shipment is not None:
            outbound_shipment_release(shipment=shipment.outbound_shipment, actor=actor)
        OrderShipment.objects.filter(pk=shipment.pk, status=ShipmentStatus.PENDING).update(
            status=ShipmentStatus.READY, updated_at=timezone.now()
        )
    for seller_order in SellerOrder.objects.filter(order=order).select_related("seller", "order"):
        seller_order_transition(
            seller_order=seller_order,
            from_statuses=[OrderStatus.PENDING_PAYMENT, OrderStatus.PAID],
            to_status=OrderStatus.ALLOCATED,
            record=False,
        )
    order_transition(
        order=order,
        from_statuses=[OrderStatus.PAID],
        to_status=OrderStatus.ALLOCATED,
        code="allocated",
        message="Stock allocated; the warehouses are preparing your parcels.",
        actor_label="system",
    )


def payment_needs_opening(*, payment: Payment, order: Order) -> bool:
    """Whether ``payment_open`` would ask the provider: the order waits for a payment that has no
    open PaymentIntent (never opened, or the provider could not be reached)."""
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status not in PAYABLE_STATUSES:
        return False
    return not payment.provider_payment_id or payment.status == PaymentStatus.RETRY


def payment_open(*, order: Order) -> Payment:
    """Open (or reopen) the order's payment at the provider; called after placement commits.

    The idempotency key is ``pi:<order number>``, so a retry after a timeout gets the payment the
    first call may have created. If the provider cannot be reached the payment is left ``retry``:
    the order stays ``pending_payment``, the buyer can call ``POST /orders/{id}/payment/`` again,
    and the reservation expires as usual.
    """
    payment = Payment.objects.select_related("order").get(order=order)
    order = payment.order
    if not payment_needs_opening(payment=payment, order=order):
        return payment  # paid, cancelled, or already open (the buyer has its client secret)
    provider = payment_provider_get(payment.provider)
    amount = provider.chargeable_amount(order.total)
    try:
        opened = provider.payment_create(
            order_number=order.number, amount=amount, idempotency_key=f"pi:{order.number}", transfer_group=order.number
        )
    except PaymentProviderError as error:
        status = PaymentStatus.RETRY if isinstance(error, PaymentProviderUnreachable) else PaymentStatus.FAILED
        logger.warning("Could not open the payment of order %s: %s", order.number, error)
        Payment.objects.filter(pk=payment.pk, status__in=PAYABLE_STATUSES).update(
            status=status, last_error=str(error)[:300]
        )
        payment.refresh_from_db()
        return payment
    opened_fields = {
        "status": PaymentStatus.PENDING,
        "amount": amount,
        "provider_payment_id": opened.reference,
        "client_secret": opened.client_secret,
        "last_error": "",
    }
    if Payment.objects.filter(pk=payment.pk, status__in=PAYABLE_STATUSES).update(**opened_fields) == 1:
        for name, value in opened_fields.items():  # what was written: no need to read it back
            setattr(payment, name, value)
    else:  # a webhook or a cancellation moved it meanwhile: the row as it is
        payment.refresh_from_db()
    return payment


def payment_retry(*, order: Order) -> Payment:
    """``POST /orders/{id}/payment/``: the buyer asks again after the provider could not be reached."""
    payment = Payment.objects.get(order=order)
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status not in PAYABLE_STATUSES:
        raise PaymentNotRetryable(extra={"current_status": order.status, "payment_status": payment.status})
    return payment_open(order=order)


@transaction.atomic
def payment_confirm(
    *, payment: Payment, provider_reference: str, amount: Money, actor: Any = None, actor_label: str = ""
) -> Payment:
    """Record a successful payment and move the order on; confirming the same payment again does nothing."""
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return payment
    if amount != payment.amount:
        raise PaymentAmountMismatch(
            extra={"expected": {"amount": str(payment.amount.amount), "currency": payment.amount.currency.code}}
        )
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise OrderNotPayable(
            _("Order %(number)s is %(status)s and can no longer be paid.")
            % {"number": order.number, "status": order.status},
            extra={"current_status": order.status},
        )
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).exclude(status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED]).update(
        status=PaymentStatus.SUCCEEDED,
        provider_reference=provider_reference,
        confirmed_at=now,
        confirmed_by=actor if getattr(actor, "is_authenticated", False) else None,
        last_error="",
    )
    payment.refresh_from_db()
    order_transition(
        order=order,
        from_statuses=[OrderStatus.PENDING_PAYMENT],
        to_status=OrderStatus.PAID,
        code="paid",
        message=f"Payment of {payment.amount} received ({payment.provider}).",
        actor=actor,
        actor_label=actor_label or "payment provider",
        paid_at=now,
    )
    SellerOrder.objects.filter(order=order, status=OrderStatus.PENDING_PAYMENT).update(
        status=OrderStatus.PAID, updated_at=now
    )
    ledger_post_charge(payment=payment)
    _release_shipments(order=order, actor=actor)
    order_email_schedule(order=order, kind="paid")
    return payment


def _late_payment_refund(*, payment: Payment, order: Order, provider_reference: str) -> None:
    """Money captured for an order that expired or was cancelled: record it, post it, refund it all."""
    from orders.services.refunds import refund_open

    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.SUCCEEDED, provider_reference=provider_reference, confirmed_at=timezone.now()
    )
    payment.refresh_from_db()
    ledger_post_charge(payment=payment)
    order_event_record(
        order=order,
        code="late_payment_refunded",
        message=f"Payment of {payment.amount} arrived after the order was {order.status}; refunded in full.",
        actor_label="payment provider",
    )
    refund_open(
        order=order,
        payment=payment,
        amount=None,
        seller_order=None,
        key=f"rf:{order.number}:late",
        reason="Late payment",
    )


@transaction.atomic
def payment_state_apply(*, payment: Payment, seen: ProviderPayment, source: str) -> str:
    """Apply what the provider says a payment is now (a webhook or the reconciliation task).

    Safe in any order and any number of times: a payment only moves forward (succeeded and
    refunded are final; a failure never undoes a success), so replaying an old event is a no-op.
    Returns what happened, for the event record.
    """
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
    if seen.status == PAYMENT_SUCCEEDED:
        if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
            return "already paid"
        if seen.amount is not None and seen.amount != payment.amount:
            order_event_record(
                order=order,
                code="payment_amount_mismatch",
                message=f"The provider reports {seen.amount} paid, {payment.amount} was due; support will check.",
                actor_label="payment provider",
            )
            return "amount mismatch"
        if order.status != OrderStatus.PENDING_PAYMENT:
            _late_payment_refund(payment=payment, order=order, provider_reference=seen.reference)
            return "late payment refunded"
        payment_confirm(payment=payment, provider_reference=seen.reference, amount=payment.amount, actor_label=source)
        return "paid"
    if seen.status == PAYMENT_FAILED:
        updated = Payment.objects.filter(pk=payment.pk, status__in=[PaymentStatus.PENDING, PaymentStatus.RETRY]).update(
            status=PaymentStatus.FAILED, last_error=seen.error_message[:300]
        )
        if updated:
            order_event_record(
                order=order,
                code="payment_failed",
                message=f"Payment declined: {seen.error_message or 'no reason given'}. You can try again.",
                actor_label="payment provider",
            )
        return "failed" if updated else "ignored (payment already further)"
    if seen.status == PAYMENT_CANCELED:
        updated = Payment.objects.filter(pk=payment.pk, status__in=PAYABLE_STATUSES).update(
            status=PaymentStatus.CANCELLED
        )
        return "cancelled" if updated else "ignored (payment already further)"
    return "pending"


def order_pay_offline(*, order: Order, actor: Any = None) -> Order:
    """``POST /orders/{id}/pay/``: with the offline provider in the demo, the buyer pays by hand."""
    payment = Payment.objects.get(order=order)
    if not (
        payment.provider == settings.PAYMENT_PROVIDER
        and payment_provider_get(payment.provider).confirms_by_hand
        and settings.OFFLINE_PAYMENTS_SELF_SERVICE
    ):
        raise ManualPaymentNotAllowed()
    payment_confirm(
        payment=payment, provider_reference=f"{payment.provider}-{order.number}", amount=payment.amount, actor=actor
    )
    order.refresh_from_db()
    return order


def order_pay_confirm_by_staff(*, order: Order, actor: Any) -> Order:
    """Staff confirm an offline payment (cash on delivery collected, bank transfer arrived)."""
    payment = Payment.objects.get(order=order)
    if not getattr(actor, "is_staff", False) or not payment_provider_get(payment.provider).confirms_by_hand:
        raise ManualPaymentNotAllowed()
    payment_confirm(
        payment=payment,
        provider_reference=f"{payment.provider}-{order.number}",
        amount=payment.amount,
        actor=actor,
        actor_label="staff",
    )
    order.refresh_from_db()
    return order


def payments_reconcile(*, now: Any = None) -> dict[str, int]:
    """Ask the provider about payments of orders still ``pending_payment`` and apply what it says.

    A lost webhook therefore never loses a paid order. Lists recent payments (one paged call)
    rather than one call per order; the lookback covers the oldest unpaid order.
    """
    from datetime import timedelta

    now = now or timezone.now()
    provider = payment_provider_get()
    waiting = {
        p.provider_payment_id: p
        for p in Payment.objects.filter(
            provider=provider.name, order__status=OrderStatus.PENDING_PAYMENT, status__in=PAYABLE_STATUSES
        )
        .exclude(provider_payment_id="")
        .select_related("order")
    }
    counts = {"checked": 0, "applied": 0, "refunds_resent": 0, "events_requeued": 0}
    _retry_stragglers(now=now, counts=counts)
    if not waiting:
        return counts
    oldest = min(p.order.placed_at for p in waiting.values())
    since = max(oldest - timedelta(minutes=5), now - timedelta(hours=settings.PAYMENT_RECONCILE_HOURS))
    for seen in provider.payments_list_recent(created_after=since):
        payment = waiting.get(seen.reference)
        if payment is None:
            continue
        counts["checked"] += 1
        outcome = payment_state_apply(payment=payment, seen=seen, source="reconciliation")
        counts["applied"] += outcome in ("paid", "failed", "cancelled", "late payment refunded")
    return counts


def _retry_stragglers(*, now: Any, counts: dict[str, int]) -> None:
    """Refunds the provider never acknowledged, and webhook events never applied (a worker lost
    mid-task): send or queue them again; both are idempotent."""
    from datetime import timedelta

    from orders.models import Refund, RefundStatus, WebhookEvent
    from orders.services.refunds import refund_process
    from orders.tasks import webhook_event_process_task

    stale = now - timedelta(minutes=5)
    for refund in Refund.objects.filter(status=RefundStatus.PENDING, provider_reference="", created_at__lt=stale):
        refund_process(refund=refund)
        counts["refunds_resent"] += 1
    for event_id in WebhookEvent.objects.filter(processed_at__isnull=True, received_at__lt=stale).values_list(
        "pk", flat=True
    )[:500]:
        webhook_event_process_task.delay(event_id)
        counts["events_requeued"] += 1
