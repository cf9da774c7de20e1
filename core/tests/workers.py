"""Processes that tests start against this test run's database: its URL, and real Celery workers."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_database_url() -> str:
    """This test run's database as a ``DATABASE_URL``, for a server or worker the test starts."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def celery_worker_start(*, prefix: str, pool: str = "solo", **extra: str) -> tuple[str, "subprocess.Popen[bytes]"]:
    """``celery worker`` in a process of its own on a private queue (its name is returned with it),
    on the test settings, sharing this run's database, media and private files (plus ``extra``
    environment). The worker is not eager: what its tasks send goes through the broker to that queue
    (``KARAVAN_TEST_WORKER_QUEUE``, config/settings/test.py). The caller terminates it."""
    queue = f"{prefix}-{uuid.uuid4().hex[:12]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": run_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "KARAVAN_TEST_WORKER_QUEUE": queue,
        "KARAVAN_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "KARAVAN_TEST_PRIVATE_ROOT": str(settings.STORAGES["private"]["OPTIONS"]["location"]),
        **extra,
    }
    pool_args = ["--pool=solo"] if pool == "solo" else [f"--pool={pool}", "--concurrency=1"]
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", *pool_args, "--queues", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return queue, process


def celery_worker_stop(process: "subprocess.Popen[bytes]") -> None:
    process.terminate()
    process.wait(timeout=30)
