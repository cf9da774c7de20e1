"""Catalog background jobs: thumbnails, imports, reference prices, follower fan-out (id in, re-read, idempotent)."""

from typing import Any

from celery import shared_task
from django.conf import settings

from marketplace.models import LiveStream
from marketplace.services.images import product_image_thumbnails_make
from marketplace.services.imports import catalog_import_files_purge, catalog_import_run
from marketplace.services.livestream_notifications import follower_batches, livestream_followers_notify_batch
from marketplace.services.prices import product_reference_prices_refresh


@shared_task(name="marketplace.product_image_thumbnails")
def product_image_thumbnails_task(image_id: int) -> str | None:
    image = product_image_thumbnails_make(image_id=image_id)
    return image.status if image else None


@shared_task(bind=True, name="marketplace.catalog_import")
def catalog_import_task(self: Any, import_id: int) -> str | None:
    # The claim records this task's id: delivered again after its worker was killed, the task takes
    # its own claim over at once. An import another live run holds is left to it ("running").
    catalog_import = catalog_import_run(import_id=import_id, run_id=self.request.id or "")
    return catalog_import.status if catalog_import else None


@shared_task(name="marketplace.private_files_purge")
def private_files_purge_task() -> int:
    """Delete import files past their retention period (IMPORT_FILE_RETENTION_DAYS); safe to repeat."""
    return catalog_import_files_purge()


@shared_task(name="marketplace.livestream_followers_notify")
def livestream_followers_notify_task(stream_id: int, kind: str) -> int:
    """Cut the seller's followers into batches and enqueue one task per batch; returns the batch count."""
    seller_id = LiveStream.objects.filter(pk=stream_id).values_list("seller_id", flat=True).first()
    if seller_id is None:
        return 0
    batches = follower_batches(seller_id=seller_id, batch_size=settings.LIVESTREAM_NOTIFY_BATCH_SIZE)
    for after, upto in batches:
        livestream_followers_notify_batch_task.delay(stream_id, kind, after, upto)
    return len(batches)


@shared_task(name="marketplace.livestream_followers_notify_batch")
def livestream_followers_notify_batch_task(stream_id: int, kind: str, after: int, upto: int | None) -> int:
    return livestream_followers_notify_batch(stream_id=stream_id, kind=kind, after=after, upto=upto)


@shared_task(name="marketplace.reference_prices_refresh", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reference_prices_refresh_task() -> int:
    # Recomputes from the latest rates and skips rows already right: safe to retry, repeat or run late.
    return product_reference_prices_refresh()
