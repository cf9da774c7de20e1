"""Django app config for marketplace."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from marketplace import receivers  # noqa: F401  (connects the file clean-up on delete)
