"""A real Celery worker on the configured broker runs a task enqueued on commit and writes to PostgreSQL."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.result import AsyncResult
from celery.signals import before_task_publish
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from core.models import ExchangeRate
from core.tasks import exchange_rates_refresh_task
from core.tests.fake_rates_server import fake_rates_provider

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = connection.settings_dict
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """Start `celery worker` as its own process on a private queue, against this test's database."""
    queue = f"karavan-test-{uuid.uuid4().hex[:12]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Not eager: what its tasks send goes through the broker to this queue (config/settings/test.py).
        "KARAVAN_TEST_WORKER_QUEUE": queue,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        worker.wait(timeout=30)


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
