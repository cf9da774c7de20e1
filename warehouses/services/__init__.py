"""Every write to warehouses goes through these keyword-only services (see each module)."""

from warehouses.reservations import Allocation, ReservationLine, Strategy, strategy_get, strategy_register
from warehouses.services.consolidation import ConsolidationOutcome, departures_consolidate
from warehouses.services.counts import cycle_count_book, cycle_count_record, cycle_count_start
from warehouses.services.inbound import (
    InboundCount,
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
    CountedRow,
    ReceiptLine,
    stock_adjust,
    stock_count_book,
    stock_lock,
    stock_receive,
    stock_receive_many,
    stock_release,
    stock_reserve,
    stock_settings_update,
    stock_ship,
)

__all__ = [
    "STAFF_GROUP_NAME",
    "Allocation",
    "ConsolidationOutcome",
    "CountedRow",
    "InboundCount",
    "ReceiptLine",
    "ReservationLine",
    "Strategy",
    "cycle_count_book",
    "cycle_count_record",
    "cycle_count_start",
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
    "stock_count_book",
    "stock_lock",
    "stock_receive",
    "stock_receive_many",
    "stock_release",
    "stock_reserve",
    "stock_settings_update",
    "stock_ship",
    "strategy_get",
    "strategy_register",
    "warehouse_staff_group_ensure",
]
