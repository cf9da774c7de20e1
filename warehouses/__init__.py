"""Warehouses: stock and its ledger, reservations, inbound/outbound shipments, transport network, staff tools."""
