"""`manage.py broker_prepare`: ready the embedded broker's SQLite file before `make run` starts its processes."""

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from sqlalchemy.engine import make_url

from config.celery import app as celery_app


class Command(BaseCommand):
    help = "Create the embedded Celery broker and result tables (SQLite, WAL); nothing for Redis or RabbitMQ."

    def handle(self, *args: Any, **options: Any) -> None:
        url = settings.CELERY_BROKER_URL
        if not url.startswith("sqla+sqlite"):
            return
        path = Path(make_url(url.removeprefix("sqla+")).database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        # WAL is a property of the file: set once, every later connection of the three processes
        # reads while another writes.
        with closing(sqlite3.connect(path)) as database:
            database.execute("PRAGMA journal_mode=WAL")
        # kombu creates its tables when a channel is first used, without retrying; the worker and
        # beat doing that at the same moment on a new file could both try. Here it happens once,
        # with the task queues declared.
        with celery_app.connection_for_write() as connection:
            for queue in celery_app.amqp.queues.values():
                queue(connection.default_channel).declare()
        if settings.CELERY_RESULT_BACKEND and settings.CELERY_RESULT_BACKEND.startswith("db+"):
            celery_app.backend.ResultSession().close()
        self.stdout.write(f"Celery broker ready: {path}")
