"""Order stage rules (pure): which statuses follow from the shipments; `orders.services.lifecycle` applies them.

Pure functions (no database) so the rules can be read and tested as a table. A shipment's status
maps to a stage; a seller order takes the stage of its shipments and the order that of its
seller orders: the slowest part decides, except that an order whose parts have started moving
but not all shipped is "in fulfilment".
"""

from collections.abc import Iterable

from orders.models import OrderStatus, ShipmentStatus

STAGE_BY_SHIPMENT_STATUS = {
    ShipmentStatus.READY: OrderStatus.ALLOCATED,
    ShipmentStatus.PICKED: OrderStatus.IN_FULFILMENT,
    ShipmentStatus.PACKED: OrderStatus.IN_FULFILMENT,
    ShipmentStatus.DISPATCHED: OrderStatus.SHIPPED,
    ShipmentStatus.IN_TRANSIT: OrderStatus.SHIPPED,
    ShipmentStatus.DELIVERED: OrderStatus.DELIVERED,
}
STAGES = (OrderStatus.ALLOCATED, OrderStatus.IN_FULFILMENT, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
#: Statuses the warehouse side may move an order out of (before payment and after closing it may not).
FOLLOWS_SHIPMENTS = (OrderStatus.PAID, *STAGES)
CLOSED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.EXPIRED, OrderStatus.DELIVERED)
SHIPPED_SHIPMENT_STATUSES = (ShipmentStatus.DISPATCHED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED)


def stage_from(stages: Iterable[str]) -> str | None:
    """The combined stage of parts at ``stages`` (each one of STAGES); None when there are no parts."""
    ranks = [STAGES.index(OrderStatus(stage)) for stage in stages]
    if not ranks:
        return None
    low, high = min(ranks), max(ranks)
    if low == 0 and high > 0:
        return OrderStatus.IN_FULFILMENT
    return STAGES[low]


def stage_from_shipments(statuses: Iterable[str]) -> str | None:
    """Stage of a seller order from its shipments' statuses; cancelled and still-pending ones do not count."""
    stages = [STAGE_BY_SHIPMENT_STATUS[ShipmentStatus(s)] for s in statuses if s in STAGE_BY_SHIPMENT_STATUS]
    return stage_from(stages)
