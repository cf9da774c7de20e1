"""A real Celery worker on the configured broker runs a task enqueued on commit and writes to PostgreSQL."""

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery.result import AsyncResult
from celery.signals import before_task_publish
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from core.models import ExchangeRate
from core.tasks import exchange_rates_refresh_task
from core.tests.fake_rates_server import fake_rates_provider
from core.tests.workers import celery_worker_start, celery_worker_stop

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue():
    """Start `celery worker` as its own process on a private queue, against this test's database."""
    queue, worker = celery_worker_start(prefix="karavan-test")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        celery_worker_stop(worker)


@pytest.fixture
def published() -> Iterator[list[str]]:
    """Ids of the tasks this process hands to the broker, as Celery's publisher reports them."""
    sent: list[str] = []

    def record(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        sent.append((headers or {}).get("id") or kwargs["body"]["id"])

    before_task_publish.connect(record, weak=False)
    try:
        yield sent
    finally:
        before_task_publish.disconnect(record)


def test_task_enqueued_on_commit_runs_on_a_real_worker(worker_queue: str, published: list[str]) -> None:
    task_id = str(uuid.uuid4())
    payload = {"base": "USD", "timestamp": 1790000000, "rates": {"KZT": "511.25", "KGS": "87.40"}}
    with fake_rates_provider(payload) as provider_url:
        with transaction.atomic():
            transaction.on_commit(
                lambda: exchange_rates_refresh_task.apply_async(
                    kwargs={"url": provider_url}, task_id=task_id, queue=worker_queue
                )
            )
            # Nothing is sent while the transaction is open. (Asking the result backend would prove
            # nothing: Celery answers PENDING for any id it has never heard of.)
            assert published == []
        assert published == [task_id]  # sent once, on commit
        stored = AsyncResult(task_id, app=celery_app).get(timeout=120, disable_sync_subtasks=False)

    assert stored == 2
    result = AsyncResult(task_id, app=celery_app)
    assert result.state == "SUCCESS"
    # The worker stamped its result with its own clock: it reads the same time as this process (in
    # the runs on other dates too, where config/settings/test.py moves both).
    assert abs(result.date_done - timezone.now()) < timedelta(minutes=10), result.date_done
    rows = {row.quote: str(row.rate) for row in ExchangeRate.objects.filter(source=provider_url)}
    assert rows == {"KZT": "511.2500000000", "KGS": "87.4000000000"}
    assert connection.vendor == "postgresql"
