"""Signals other apps listen to, so warehouses never imports the apps above it.

``shipment_status_changed`` is sent after the transaction commits, with ``shipment`` (fresh from
the database), ``old_status``, ``new_status`` and ``event`` (the ShipmentEvent that caused it, or None).

``stock_availability_changed`` is sent after the transaction commits when a stock row's available
units (on hand minus reserved) crossed zero, either way: with ``variant_id``, ``warehouse_id`` and
``available`` (True when units became available). Changes that leave a row in stock (or out of it)
send nothing, so a busy sale does not disturb the catalog's cache.
"""

from django.dispatch import Signal

shipment_status_changed = Signal()
stock_availability_changed = Signal()
