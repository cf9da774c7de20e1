"""Signal receivers: warehouse shipment moves drive orders on; login merges the session cart."""

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from orders.services import cart_merge_session, order_shipment_status_apply
from warehouses.signals import shipment_status_changed

logger = logging.getLogger(__name__)


@receiver(shipment_status_changed, dispatch_uid="orders.shipment_status_changed")
def on_shipment_status_changed(
    sender: Any, shipment: Any, old_status: str, new_status: str, event: Any = None, **kwargs: Any
) -> None:
    """Runs after the warehouse's transaction committed: a failure here must not fail the scanner's request."""
    try:
        order_shipment_status_apply(outbound_shipment_id=shipment.pk, new_status=new_status, event=event)
    except Exception:
        logger.exception("Could not follow shipment %s to %s; retrying in the background", shipment.pk, new_status)
        from orders.tasks import order_shipment_sync_task

        order_shipment_sync_task.apply_async(args=[shipment.pk], countdown=30)


@receiver(user_logged_in, dispatch_uid="orders.merge_session_cart")
def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        cart_merge_session(session=session, user=user)
