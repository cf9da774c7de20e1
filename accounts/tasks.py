"""Periodic jobs of the accounts app (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from accounts.services import expired_tokens_purge


@shared_task(name="accounts.expired_tokens_purge")
def expired_tokens_purge_task() -> int:
    """Delete API tokens past their expiry (idempotent: a rerun finds none)."""
    return expired_tokens_purge()
