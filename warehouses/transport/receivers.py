"""Signal receivers: a hub or lane change schedules a recomputation of the catalog delivery estimates.

The task is queued once per transaction, after it commits (seeding 60 rows queues one task, not 60),
and never for a transaction that rolls back.
"""

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from warehouses.transport.models import Hub, Lane
from warehouses.transport.selectors import network_fingerprint_forget


def _queue_recompute() -> None:
    from warehouses.transport.tasks import delivery_estimates_recompute_task

    delivery_estimates_recompute_task.delay()


def _already_queued() -> bool:
    """Queued in this same atomic block? Django keeps (savepoint ids, callback, robust) per callback.

    Comparing the savepoint ids (rather than any pending callback) keeps the check right when an
    inner block rolls back, which discards the callbacks it registered.
    """
    current = set(connection.savepoint_ids)
    return any(
        entry[1] is _queue_recompute and set(entry[0]) == current for entry in getattr(connection, "run_on_commit", ())
    )


@receiver(post_save, sender=Hub, dispatch_uid="transport.hub_saved")
@receiver(post_delete, sender=Hub, dispatch_uid="transport.hub_deleted")
@receiver(post_save, sender=Lane, dispatch_uid="transport.lane_saved")
@receiver(post_delete, sender=Lane, dispatch_uid="transport.lane_deleted")
def network_changed(sender: Any, **kwargs: Any) -> None:
    network_fingerprint_forget()
    if kwargs.get("raw"):
        return  # loaddata: fixtures are not a network edit
    if connection.in_atomic_block and _already_queued():
        return
    transaction.on_commit(_queue_recompute)
