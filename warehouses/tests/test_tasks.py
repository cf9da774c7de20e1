"""The warehouses' periodic job and the beat schedule that names it."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from config.celery import app
from warehouses.tasks import departures_consolidate_task
from warehouses.tests.test_consolidation import packed, warehouse_at


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "warehouses.tasks.departures_consolidate_task" in names
    assert names <= set(app.tasks), names - set(app.tasks)


@pytest.mark.django_db
def test_the_consolidation_task_books_packed_shipments(seeded: tuple[int, int]) -> None:
    shipment = packed(warehouse_at("URC"))

    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=UTC), tick=False):
        first = departures_consolidate_task.delay().get()
        again = departures_consolidate_task.delay().get()

    shipment.refresh_from_db()
    assert first["assigned"] == 1 and first["departures_created"] == 1
    assert again["assigned"] == 0  # only unassigned shipments are taken: repeats are safe
    assert shipment.departure_unit is not None
