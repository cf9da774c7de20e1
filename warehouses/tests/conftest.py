"""Fixtures for the warehouses tests: the transport tests' rates and seed network, for consolidation."""

from warehouses.transport.tests.conftest import rates, seeded

__all__ = ["rates", "seeded"]
