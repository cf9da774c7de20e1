"""Fixtures for the orders tests: exchange rates, the seed transport network, a two-seller market."""

import pytest

from core.services import exchange_rates_seed_offline
from orders.tests.factories import market_build
from warehouses.transport.services import network_load_seed


@pytest.fixture
def rates(db):  # type: ignore[no-untyped-def]
    exchange_rates_seed_offline()


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    network_load_seed()


@pytest.fixture
def market(rates, network):  # type: ignore[no-untyped-def]
    return market_build()
