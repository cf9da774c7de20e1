"""Django admin for warehouse staff: each sees and changes only their warehouses (superusers see all)."""

from warehouses.admin.shipments import InboundShipmentAdmin, OutboundShipmentAdmin
from warehouses.admin.stock import StockAdmin, StockLedgerEntryAdmin
from warehouses.admin.warehouses import StaffAssignmentAdmin, WarehouseAdmin

__all__ = [
    "InboundShipmentAdmin",
    "OutboundShipmentAdmin",
    "StaffAssignmentAdmin",
    "StockAdmin",
    "StockLedgerEntryAdmin",
    "WarehouseAdmin",
]
