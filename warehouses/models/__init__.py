"""Warehouse tables: warehouses and staff, stock with its ledger, inbound and outbound shipments."""

from warehouses.models.counts import CycleCount, CycleCountLine, CycleCountStatus
from warehouses.models.inbound import InboundLine, InboundShipment, InboundStatus
from warehouses.models.outbound import (
    OutboundLine,
    OutboundShipment,
    OutboundStatus,
    ShipmentEvent,
    ShipmentEventCode,
)
from warehouses.models.stock import STOCK_UNITS_MAX, LedgerKind, Stock, StockLedgerEntry
from warehouses.models.warehouse import StaffAssignment, Warehouse, WarehouseKind

__all__ = [
    "STOCK_UNITS_MAX",
    "CycleCount",
    "CycleCountLine",
    "CycleCountStatus",
    "InboundLine",
    "InboundShipment",
    "InboundStatus",
    "LedgerKind",
    "OutboundLine",
    "OutboundShipment",
    "OutboundStatus",
    "ShipmentEvent",
    "ShipmentEventCode",
    "StaffAssignment",
    "Stock",
    "StockLedgerEntry",
    "Warehouse",
    "WarehouseKind",
]
