"""`manage.py seed_demo`: load the demo data; safe to run again (every step is idempotent)."""

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

# Each step is a module in demo/ with ``run(*, log)``; order matters (sellers before products,
# warehouses before stock).
STEPS = [
    "demo.seed_accounts",
    "demo.seed_network",
    "demo.seed_catalog",
    "demo.seed_warehouses",
    "demo.seed_orders",
    "demo.seed_two_way",
]


class Command(BaseCommand):
    help = "Load demo users, sellers, catalog, warehouses, network and stock (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for step in STEPS:
            module = importlib.import_module(step)
            module.run(log=lambda message: self.stdout.write(message))
        # Planner statistics for the rows just loaded: without them (autovacuum may be off, or not
        # yet run) PostgreSQL guesses row counts and may scan where an index answers (ADR 0014).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
