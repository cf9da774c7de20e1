"""Demo step: the seed transport network (hubs and lanes)."""

from collections.abc import Callable

from warehouses.transport.services import network_load_seed


def run(*, log: Callable[[str], None]) -> None:
    hubs, lanes = network_load_seed()
    log(f"  network: {hubs} hubs, {lanes} lanes")
