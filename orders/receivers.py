"""Signal receivers: warehouse shipment moves drive orders on; login merges the session cart."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from orders.services import cart_merge_session, order_shipment_status_apply
from warehouses.signals import shipment_status_changed


@receiver(shipment_status_changed, dispatch_uid="orders.shipment_status_changed")
def on_shipment_status_changed(
    sender: Any, shipment: Any, old_status: str, new_status: str, event: Any = None, **kwargs: Any
) -> None:
    order_shipment_status_apply(outbound_shipment_id=shipment.pk, new_status=new_status, event=event)


@receiver(user_logged_in, dispatch_uid="orders.merge_session_cart")
def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        cart_merge_session(session=session, user=user)
