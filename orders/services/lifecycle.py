"""Order moves after placement: cancel, expire unpaid ones, follow the warehouses' shipments."""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from orders.emails import order_email_schedule
from orders.exceptions import OrderAlreadyShipped, OrderStateConflict
from orders.models import (
    Order,
    OrderShipment,
    OrderStatus,
    Payment,
    PaymentStatus,
    SellerOrder,
    ShipmentStatus,
)
from orders.services.cart import live_offers_release
from orders.services.events import order_event_record, order_transition
from orders.services.refunds import refund_request
from orders.stages import FOLLOWS_SHIPMENTS, SHIPPED_SHIPMENT_STATUSES, stage_from, stage_from_shipments
from warehouses.models import OutboundShipment, OutboundStatus
from warehouses.services import outbound_shipment_cancel

logger = logging.getLogger(__name__)

CANCELLABLE = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.ALLOCATED,
    OrderStatus.IN_FULFILMENT,
)


def _cancel_shipments(*, order: Order, actor: Any) -> None:
    """Cancel every outbound shipment not yet cancelled; the warehouse releases its reserved stock."""
    shipments = (
        OrderShipment.objects.filter(order=order)
        .exclude(status=ShipmentStatus.CANCELLED)
        .select_related("outbound_shipment", "outbound_shipment__warehouse")
        .order_by("pk")
    )
    for shipment in shipments:
        outbound = shipment.outbound_shipment
        if outbound is not None and outbound.status != OutboundStatus.CANCELLED:
            outbound_shipment_cancel(shipment=outbound, actor=actor)
        OrderShipment.objects.filter(pk=shipment.pk).update(status=ShipmentStatus.CANCELLED, updated_at=timezone.now())


@transaction.atomic
def order_cancel(*, order: Order, actor: Any = None, reason: str = "") -> Order:
    """Cancel before anything was dispatched: stock goes back on sale, a paid order is refunded.

    Cancelling twice is harmless (the second call returns the order as it is); once a parcel has
    left a warehouse it is a 409 ``order_already_shipped``.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        return order
    if order.status not in CANCELLABLE:
        error = (
            OrderAlreadyShipped if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) else OrderStateConflict
        )
        raise error(
            _("Order %(number)s is %(status)s; it can no longer be cancelled.")
            % {"number": order.number, "status": order.status},
            extra={"current_status": order.status},
        )
    if OrderShipment.objects.filter(order=order, status__in=SHIPPED_SHIPMENT_STATUSES).exists():
        raise OrderAlreadyShipped(extra={"current_status": order.status})
    was_paid = order.status != OrderStatus.PENDING_PAYMENT
    _cancel_shipments(order=order, actor=actor)
    now = timezone.now()
    SellerOrder.objects.filter(order=order).update(status=OrderStatus.CANCELLED, updated_at=now)
    order_transition(
        order=order,
        from_statuses=CANCELLABLE,
        to_status=OrderStatus.CANCELLED,
        code="cancelled",
        message=reason or "Order cancelled; reserved stock released.",
        actor=actor,
        actor_label="buyer" if actor is not None else "system",
        closed_at=now,
    )
    live_offers_release(order=order)
    if was_paid:
        refund_request(order=order, reason=reason or "Order cancelled")
    else:
        Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
    order_email_schedule(order=order, kind="cancelled")
    return order


def _expire_one(order: Order, now: datetime) -> bool:
    # The conditional update is the guard: it succeeds for exactly one caller, and only that
    # caller releases the stock (in the same transaction).
    if not order_transition(
        order=order,
        from_statuses=[OrderStatus.PENDING_PAYMENT],
        to_status=OrderStatus.EXPIRED,
        code="expired",
        message="Not paid in time; the reserved stock went back on sale.",
        actor_label="system",
        closed_at=now,
    ):
        return False
    _cancel_shipments(order=order, actor=None)
    SellerOrder.objects.filter(order=order).update(status=OrderStatus.EXPIRED, updated_at=now)
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
    live_offers_release(order=order)
    return True


def orders_expire_due(*, now: datetime | None = None, batch_size: int = 100) -> int:
    """Expire unpaid orders past ``reserved_until``; safe to run from overlapping beats.

    Each batch locks its rows with SKIP LOCKED, so a second beat (or a payment holding an order's
    lock) never waits and never touches the same order; returns how many orders this call expired.
    """
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Order.objects.select_for_update(skip_locked=True)
                .filter(status=OrderStatus.PENDING_PAYMENT, reserved_until__lt=now)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return expired
            for order in batch:
                try:
                    with transaction.atomic():
                        expired += int(_expire_one(order, now))
                except DomainError:
                    # One order the warehouse will not let go of must not block every other expiry.
                    logger.exception("Could not expire order %s", order.number)
        if len(batch) < batch_size:
            return expired


def _sync_statuses(*, order: Order) -> None:
    """Derive each seller order's and then the order's stage from the shipments; record what moved."""
    if order.status not in FOLLOWS_SHIPMENTS:
        return
    stages: list[str] = []
    for seller_order in SellerOrder.objects.filter(order=order).select_related("seller").order_by("pk"):
        statuses = list(OrderShipment.objects.filter(seller_order=seller_order).values_list("status", flat=True))
        stage = stage_from_shipments(statuses)
        if stage is None:
            continue
        stages.append(stage)
        if stage != seller_order.status:
            SellerOrder.objects.filter(pk=seller_order.pk).update(status=stage, updated_at=timezone.now())
    stage = stage_from(stages)
    if stage is None or stage == order.status:
        return
    now = timezone.now()
    messages = {
        OrderStatus.ALLOCATED: "Stock allocated; the warehouses are preparing your parcels.",
        OrderStatus.IN_FULFILMENT: "Your parcels are being picked and packed.",
        OrderStatus.SHIPPED: "All parcels are on their way.",
        OrderStatus.DELIVERED: "All parcels delivered.",
    }
    extra = {"closed_at": now} if stage == OrderStatus.DELIVERED else {}
    moved = order_transition(
        order=order,
        from_statuses=[order.status],
        to_status=stage,
        code=stage,
        message=messages.get(stage, ""),
        actor_label="warehouse",
        **extra,
    )
    if moved and stage in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order_email_schedule(order=order, kind=stage)


SHIPMENT_MESSAGES = {
    ShipmentStatus.READY: "Parcel from {warehouse} is waiting to be picked.",
    ShipmentStatus.PICKED: "Parcel from {warehouse} picked.",
    ShipmentStatus.PACKED: "Parcel from {warehouse} packed.",
    ShipmentStatus.DISPATCHED: "Parcel left {warehouse} ({mode}).",
    ShipmentStatus.IN_TRANSIT: "Parcel from {warehouse} in transit.",
    ShipmentStatus.DELIVERED: "Parcel from {warehouse} delivered.",
    ShipmentStatus.CANCELLED: "Parcel from {warehouse} cancelled.",
}


@transaction.atomic
def order_shipment_status_apply(*, outbound_shipment_id: int, new_status: str, event: Any = None) -> bool:
    """A warehouse shipment changed status: mirror it and move the seller order and order on.

    Idempotent: a status the shipment already has changes nothing and records nothing.
    """
    link = OrderShipment.objects.filter(outbound_shipment_id=outbound_shipment_id).select_related("warehouse").first()
    if link is None:
        return False
    order = Order.objects.select_for_update().get(pk=link.order_id)
    # The warehouse's current status wins over the one in the notification, so a late or
    # repeated notification can never move a parcel backwards.
    current = OutboundShipment.objects.filter(pk=outbound_shipment_id).values_list("status", flat=True).first()
    new_status = current or new_status
    link.refresh_from_db(fields=["status"])
    updated = (
        OrderShipment.objects.filter(pk=link.pk)
        .exclude(status=new_status)
        .update(status=new_status, updated_at=timezone.now())
    )
    if not updated:
        return False
    if new_status in SHIPMENT_MESSAGES:
        location = getattr(event, "location", "") if event is not None else ""
        message = SHIPMENT_MESSAGES[ShipmentStatus(new_status)].format(
            warehouse=link.warehouse.code, mode=link.mode or "carrier"
        )
        order_event_record(
            order=order,
            shipment=link,
            code=f"shipment_{new_status}",
            message=f"{message} {location}".strip(),
            from_status=link.status,
            to_status=new_status,
            actor_label="warehouse",
            occurred_at=getattr(event, "occurred_at", None),
        )
    _sync_statuses(order=order)
    return True
