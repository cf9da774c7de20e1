"""Celery tasks of orders: id in, re-read, call a service (each safe to run twice)."""

from celery import shared_task

from orders.models import Order, Refund


@shared_task(name="orders.tasks.orders_expire_task")
def orders_expire_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): expire unpaid orders past their reservation."""
    from orders.services import orders_expire_due

    return orders_expire_due()


@shared_task(name="orders.tasks.order_email_send_task", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def order_email_send_task(order_id: int, kind: str) -> bool:
    from orders.emails import order_email_send

    order = Order.objects.select_related("buyer").filter(pk=order_id).first()
    if order is None:
        return False
    return order_email_send(order=order, kind=kind)


@shared_task(name="orders.tasks.refund_process_task", autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def refund_process_task(refund_id: int) -> str:
    from orders.services import refund_process

    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        return "missing"
    return refund_process(refund=refund).status


@shared_task(
    name="orders.tasks.order_shipment_sync_task", autoretry_for=(Exception,), retry_backoff=True, max_retries=10
)
def order_shipment_sync_task(outbound_shipment_id: int) -> bool:
    """Follow a warehouse shipment's current status (the retry path of the signal receiver)."""
    from orders.services import order_shipment_status_apply
    from warehouses.models import OutboundShipment

    status = OutboundShipment.objects.filter(pk=outbound_shipment_id).values_list("status", flat=True).first()
    if status is None:
        return False
    return order_shipment_status_apply(outbound_shipment_id=outbound_shipment_id, new_status=status)


@shared_task(
    name="orders.tasks.webhook_event_process_task", autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def webhook_event_process_task(event_id: int) -> str:
    """Apply one received provider event (once; a processed event is left alone)."""
    from orders.services import webhook_event_process

    return webhook_event_process(event_id=event_id)


@shared_task(name="orders.tasks.payments_reconcile_task")
def payments_reconcile_task() -> dict[str, int]:
    """Periodic: ask the provider about orders still unpaid, so a lost webhook never loses a payment."""
    from orders.services import payments_reconcile

    return payments_reconcile()


@shared_task(name="orders.tasks.payouts_run_task")
def payouts_run_task() -> dict[str, int]:
    """Periodic: transfer delivered seller orders' shares (held and failed ones are retried)."""
    from orders.services import payouts_run

    return payouts_run()
