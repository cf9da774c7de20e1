"""Django app config for the transport network (a sub-app of warehouses with its own tables)."""

from django.apps import AppConfig


class TransportConfig(AppConfig):
    name = "warehouses.transport"
    label = "transport"
    verbose_name = "Transport network"

    def ready(self) -> None:
        from warehouses.transport import receivers  # noqa: F401  (connects the signal receivers)
