"""Catalog background jobs: image thumbnails, CSV imports, reference prices (id in, re-read, idempotent)."""

from celery import shared_task

from marketplace.services.images import product_image_thumbnails_make
from marketplace.services.imports import catalog_import_run
from marketplace.services.prices import product_reference_prices_refresh


@shared_task(name="marketplace.product_image_thumbnails")
def product_image_thumbnails_task(image_id: int) -> str | None:
    image = product_image_thumbnails_make(image_id=image_id)
    return image.status if image else None


@shared_task(name="marketplace.catalog_import")
def catalog_import_task(import_id: int) -> str | None:
    catalog_import = catalog_import_run(import_id=import_id)
    return catalog_import.status if catalog_import else None


@shared_task(name="marketplace.reference_prices_refresh", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reference_prices_refresh_task() -> int:
    # Recomputes from the latest rates and skips rows already right: safe to retry, repeat or run late.
    return product_reference_prices_refresh()
