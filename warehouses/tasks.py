"""Background jobs of the warehouses: consolidation of packed shipments into departures."""

from celery import shared_task

from warehouses.services.consolidation import departures_consolidate


@shared_task
def departures_consolidate_task() -> dict[str, int]:
    """Book packed shipments onto departures (periodic); only unassigned shipments are taken, so repeats are safe."""
    outcome = departures_consolidate()
    return {
        "assigned": len(outcome.assigned),
        "departures_created": outcome.departures_created,
        "units_created": outcome.units_created,
        "oversized": len(outcome.oversized),
        "unroutable": len(outcome.unroutable),
    }
