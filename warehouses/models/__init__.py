"""Warehouse tables: warehouses and staff, stock with its ledger, inbound and outbound shipments."""

from warehouses.models.inbound import InboundLine, InboundShipment, InboundStatus
from warehouses.models.outbound import (
    OutboundLine,
    OutboundShipment,
    OutboundStatus,
    ShipmentEvent,
    ShipmentEventCode,
)
from warehouses.models.stock import LedgerKind, Stock, StockLedgerEntry
from warehouses.models.warehouse import StaffAssignment, Warehouse, WarehouseKind

__all__ = [
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
