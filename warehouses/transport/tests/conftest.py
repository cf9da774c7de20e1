"""Fixtures for the transport tests: exchange rates and the seed network loaded into the database."""

import pytest

from core.services import exchange_rates_seed_offline
from warehouses.transport.services import network_load_seed


@pytest.fixture
def rates(db):  # type: ignore[no-untyped-def]
    """Core's offline rates: the planner has none of its own (it needs EUR for the TIR guarantee)."""
    exchange_rates_seed_offline()


@pytest.fixture
def seeded(rates):  # type: ignore[no-untyped-def]
    """The 27 hubs and 35 lanes of the seed network, as rows."""
    return network_load_seed()
