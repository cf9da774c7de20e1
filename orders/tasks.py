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
