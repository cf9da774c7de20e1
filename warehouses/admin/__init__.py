"""Django admin for warehouse staff: each sees and changes only their warehouses (superusers see all)."""

from warehouses.admin.counts import CycleCountAdmin
from warehouses.admin.inbound import InboundShipmentAdmin
from warehouses.admin.outbound import OutboundShipmentAdmin
from warehouses.admin.stock import StockAdmin, StockLedgerEntryAdmin
from warehouses.admin.warehouses import StaffAssignmentAdmin, WarehouseAdmin

__all__ = [
    "CycleCountAdmin",
    "InboundShipmentAdmin",
    "OutboundShipmentAdmin",
    "StaffAssignmentAdmin",
    "StockAdmin",
    "StockLedgerEntryAdmin",
    "WarehouseAdmin",
]
