"""Shared-kernel background jobs."""

from celery import shared_task

from core.services import exchange_rates_refresh


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def exchange_rates_refresh_task(url: str | None = None) -> int:
    # Storing the same publication twice is a no-op, so retries are safe.
    return exchange_rates_refresh(url=url)


@shared_task(name="core.tasks.outbox_relay_task")
def outbox_relay_task() -> dict[str, int]:
    """Send what the transactional outbox holds unsent (the broker was down when it was written)."""
    from core.outbox import outbox_relay

    return outbox_relay()
