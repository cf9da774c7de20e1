"""Order events and conditional status changes: every move is an UPDATE ... WHERE status = <expected>."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderShipment, SellerOrder


def _actor_fields(actor: Any, actor_label: str) -> dict[str, Any]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {"actor": user, "actor_label": actor_label or ("buyer" if user else "system")}


def order_event_record(
    *,
    order: Order,
    code: str,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
    seller_order: SellerOrder | None = None,
    shipment: OrderShipment | None = None,
    actor: Any = None,
    actor_label: str = "",
    occurred_at: Any = None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        seller_order=seller_order,
        shipment=shipment,
        code=code,
        message=message[:300],
        from_status=from_status,
        to_status=to_status,
        occurred_at=occurred_at or timezone.now(),
        **_actor_fields(actor, actor_label),
    )


def order_transition(
    *,
    order: Order,
    from_statuses: Iterable[str],
    to_status: str,
    code: str,
    message: str = "",
    actor: Any = None,
    actor_label: str = "",
    **fields: Any,
) -> bool:
    """Move the order on if (and only if) it is still in one of ``from_statuses``; records the event."""
    allowed = list(from_statuses)
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, status__in=allowed).update(
            status=to_status, updated_at=timezone.now(), **fields
        )
        if not updated:
            return False
        previous = order.status
        order.status = to_status
        for name, value in fields.items():
            setattr(order, name, value)
        order_event_record(
            order=order,
            code=code,
            message=message,
            from_status=previous if previous in allowed else "",
            to_status=to_status,
            actor=actor,
            actor_label=actor_label,
        )
        return True


def seller_order_transition(
    *,
    seller_order: SellerOrder,
    from_statuses: Iterable[str],
    to_status: str,
    actor: Any = None,
    actor_label: str = "",
    record: bool = True,
) -> bool:
    allowed = list(from_statuses)
    updated = SellerOrder.objects.filter(pk=seller_order.pk, status__in=allowed).update(
        status=to_status, updated_at=timezone.now()
    )
    if updated and record:
        order_event_record(
            order=seller_order.order,
            seller_order=seller_order,
            code=f"seller_order_{to_status}",
            message=f"{seller_order.seller.display_name}: {to_status.replace('_', ' ')}",
            from_status=seller_order.status,
            to_status=to_status,
            actor=actor,
            actor_label=actor_label,
        )
    if updated:
        seller_order.status = to_status
    return bool(updated)
