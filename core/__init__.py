"""Shared kernel: money, SCO reference data, exchange rates, idempotency, API errors and paging."""
