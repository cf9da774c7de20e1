"""Fixtures for the transport tests: the seed network loaded into the database."""

import pytest

from warehouses.transport.services import network_load_seed


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    """The 27 hubs and 35 lanes of the seed network, as rows."""
    return network_load_seed()
