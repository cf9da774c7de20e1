"""Django app config for marketplace."""

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from marketplace import receivers  # noqa: F401  (file clean-up, lowest prices, catalog cache)
        from marketplace.browse.search import sqlite_functions_register

        connection_created.connect(sqlite_functions_register, dispatch_uid="marketplace.sqlite_functions")
        post_migrate.connect(search_schema_without_migrations, sender=self, dispatch_uid="marketplace.search_schema")


def search_schema_without_migrations(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """When tables are built without migrations (the test runner's ``--no-migrations``), add the search schema.

    Migration 0005 creates the full-text column and the trigram index with SQL the models do not
    describe, so a database built from the models alone would lack them.
    """
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from marketplace.browse.search import search_schema_ensure

    module, _explicit = MigrationLoader.migrations_module("marketplace")
    if module is None:
        search_schema_ensure(connections[using])
