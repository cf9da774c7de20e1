"""Demo step: the seed transport network (hubs and lanes) and the catalog's delivery estimates."""

from collections.abc import Callable

from warehouses.transport.services import delivery_estimates_recompute, network_load_seed


def run(*, log: Callable[[str], None]) -> None:
    hubs, lanes = network_load_seed()
    log(f"  network: {hubs} hubs, {lanes} lanes")
    estimates = delivery_estimates_recompute()
    log(f"  delivery estimates: {estimates} (origin hub, destination country) pairs")
