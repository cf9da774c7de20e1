"""Background jobs of the transport network: catalog delivery estimates and departure consolidation."""

from celery import shared_task

from warehouses.transport.services import delivery_estimates_recompute


@shared_task
def delivery_estimates_recompute_task() -> int:
    # Recomputing replaces every estimate with the same answer for the same network: safe to retry or repeat.
    return delivery_estimates_recompute()


@shared_task
def consolidate_departures_task() -> dict[str, int]:
    """Book packed shipments onto departures (periodic); only unassigned shipments are taken, so repeats are safe."""
    from warehouses.consolidation import departures_consolidate

    outcome = departures_consolidate()
    return {
        "assigned": len(outcome.assigned),
        "departures_created": outcome.departures_created,
        "units_created": outcome.units_created,
        "oversized": len(outcome.oversized),
        "unroutable": len(outcome.unroutable),
    }
