"""Every write to warehouses goes through these keyword-only services (see each module)."""

from warehouses.reservations import Allocation, ReservationLine, Strategy, strategy_get, strategy_register
from warehouses.services.consolidation import ConsolidationOutcome, departures_consolidate
from warehouses.services.inbound import (
    inbound_shipment_create,
    inbound_shipment_mark_in_transit,
    inbound_shipment_receive,
)
from warehouses.services.outbound import (
    outbound_shipment_cancel,
    outbound_shipment_create,
    outbound_shipment_dispatch,
    outbound_shipment_event_add,
    outbound_shipment_pack,
    outbound_shipment_pick,
    outbound_shipment_release,
    outbound_shipment_set_departure,
)
from warehouses.services.staff import STAFF_GROUP_NAME, staff_assign, warehouse_staff_group_ensure
from warehouses.services.stock import (
    ReceiptLine,
    stock_adjust,
    stock_lock,
    stock_receive,
    stock_receive_many,
    stock_release,
    stock_reserve,
    stock_ship,
)

__all__ = [
    "STAFF_GROUP_NAME",
    "Allocation",
    "ConsolidationOutcome",
    "ReceiptLine",
    "ReservationLine",
    "Strategy",
    "departures_consolidate",
    "inbound_shipment_create",
    "inbound_shipment_mark_in_transit",
    "inbound_shipment_receive",
    "outbound_shipment_cancel",
    "outbound_shipment_create",
    "outbound_shipment_dispatch",
    "outbound_shipment_event_add",
    "outbound_shipment_pack",
    "outbound_shipment_pick",
    "outbound_shipment_release",
    "outbound_shipment_set_departure",
    "staff_assign",
    "stock_adjust",
    "stock_lock",
    "stock_receive",
    "stock_receive_many",
    "stock_release",
    "stock_reserve",
    "stock_ship",
    "strategy_get",
    "strategy_register",
    "warehouse_staff_group_ensure",
]
