"""Shared-kernel background jobs."""

from celery import shared_task

from core.services import exchange_rates_refresh


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def exchange_rates_refresh_task(url: str | None = None) -> int:
    # Storing the same publication twice is a no-op, so retries are safe.
    return exchange_rates_refresh(url=url)
