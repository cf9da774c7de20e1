"""Tests for the pure fulfilment planner: no database, no Django."""
