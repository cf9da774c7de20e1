"""Fixtures of the accounts tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():  # type: ignore[no-untyped-def]
    """Login and register throttles count in the cache: every test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()
