"""Signals other apps listen to, so warehouses never imports the apps above it.

``shipment_status_changed`` is sent after the transaction commits, with ``shipment`` (fresh from
the database), ``old_status``, ``new_status`` and ``event`` (the ShipmentEvent that caused it, or None).
"""

from django.dispatch import Signal

shipment_status_changed = Signal()
