"""Background jobs of the transport network: catalog delivery estimates."""

from celery import shared_task

from warehouses.transport.services import delivery_estimates_recompute


@shared_task
def delivery_estimates_recompute_task() -> int:
    # Recomputing replaces every estimate with the same answer for the same network: safe to retry or repeat.
    return delivery_estimates_recompute()
