"""Payment confirmation and refunds: the services the offline ``pay`` endpoint and Stripe webhooks call.

``payment_confirm`` is the one way an order becomes paid. It locks the order row first, so it
races the expiry task cleanly: whichever takes the lock first wins, the other sees the new status
and backs off (the expiry skips locked rows; a payment arriving after expiry is a 409).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.money import Money
from orders.emails import order_email_schedule
from orders.exceptions import ManualPaymentNotAllowed, OrderNotPayable, PaymentAmountMismatch
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
from orders.payments import payment_provider_get
from orders.payments.registry import PaymentProviderUnavailable
from orders.services.events import order_event_record, order_transition, seller_order_transition
from warehouses.services import outbound_shipment_release


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


@transaction.atomic
def payment_confirm(*, payment: Payment, provider_reference: str, amount: Money, actor: Any = None) -> Payment:
    """Record a successful payment and move the order on; confirming the same payment again does nothing."""
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return payment
    if amount != payment.amount:
        raise PaymentAmountMismatch(
            extra={"expected": {"amount": str(payment.amount.amount), "currency": payment.amount.currency.code}}
        )
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise OrderNotPayable(
            f"Order {order.number} is {order.status} and can no longer be paid.", extra={"current_status": order.status}
        )
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.SUCCEEDED, provider_reference=provider_reference, confirmed_at=now
    )
    order_transition(
        order=order,
        from_statuses=[OrderStatus.PENDING_PAYMENT],
        to_status=OrderStatus.PAID,
        code="paid",
        message=f"Payment of {payment.amount} received ({payment.provider}).",
        actor=actor,
        actor_label="payment provider",
        paid_at=now,
    )
    SellerOrder.objects.filter(order=order, status=OrderStatus.PENDING_PAYMENT).update(
        status=OrderStatus.PAID, updated_at=now
    )
    _release_shipments(order=order, actor=actor)
    order_email_schedule(order=order, kind="paid")
    payment.refresh_from_db()
    return payment


def order_pay_offline(*, order: Order, actor: Any = None) -> Order:
    """``POST /orders/{id}/pay/``: with the offline provider, pay as a successful card payment would."""
    try:
        provider = payment_provider_get()
    except PaymentProviderUnavailable:
        raise ManualPaymentNotAllowed() from None
    payment = Payment.objects.get(order=order)
    if not provider.allows_manual_confirmation or payment.provider != provider.name:
        raise ManualPaymentNotAllowed()
    payment_confirm(
        payment=payment, provider_reference=f"{payment.provider}-{order.number}", amount=payment.amount, actor=actor
    )
    order.refresh_from_db()
    return order


def refund_request(*, order: Order, reason: str) -> Refund | None:
    """Open the refund of a paid order (once: the key is per order); the provider is called after commit."""
    payment = Payment.objects.filter(order=order).first()
    if payment is None or payment.status != PaymentStatus.SUCCEEDED:
        return None
    refund, created = Refund.objects.get_or_create(
        idempotency_key=f"rf:{order.number}:full",
        defaults={"payment": payment, "amount": payment.amount, "reason": reason[:200]},
    )
    if created:
        from orders.tasks import refund_process_task

        transaction.on_commit(lambda: refund_process_task.delay(refund.pk))
    return refund


def refund_process(*, refund: Refund) -> Refund:
    """Ask the provider to send the money back (no lock held meanwhile), then record the outcome once."""
    refund = Refund.objects.select_related("payment", "payment__order").get(pk=refund.pk)
    if refund.status != RefundStatus.PENDING:
        return refund
    provider = payment_provider_get(refund.payment.provider)
    result = provider.refund_create(
        payment_reference=refund.payment.provider_reference or refund.payment.provider_payment_id,
        amount=refund.amount,
        idempotency_key=refund.idempotency_key,
    )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=refund.payment.order_id)
        status = RefundStatus.SUCCEEDED if result.succeeded else RefundStatus.FAILED
        updated = Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            status=status, provider_reference=result.reference, completed_at=timezone.now()
        )
        if updated and result.succeeded:
            Payment.objects.filter(pk=refund.payment_id, status=PaymentStatus.SUCCEEDED).update(
                status=PaymentStatus.REFUNDED
            )
            order_transition(
                order=order,
                from_statuses=[OrderStatus.CANCELLED],
                to_status=OrderStatus.REFUNDED,
                code="refunded",
                message=f"Refund of {refund.amount} sent ({refund.payment.provider}).",
                actor_label="payment provider",
            )
        elif updated:
            order_event_record(order=order, code="refund_failed", message="The refund failed; support will follow up.")
    refund.refresh_from_db()
    return refund
