"""Who may run an import: its claim records the run's task id; a redelivered task takes its own claim over at once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile

from marketplace.models import CatalogImport, ImportStatus, ProductVariant
from marketplace.services.imports import catalog_import_create, catalog_import_run
from marketplace.tasks import catalog_import_task

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SKUS = ["CLAIM-1", "CLAIM-2", "CLAIM-3"]


def _file() -> bytes:
    lines = ["sku,product_ref,title,price,hs_code,weight_kg,length_cm,width_cm,height_cm,status"]
    lines += [f"{sku},{sku},Thing {sku},10.00,851671,1.5,10,10,10,draft" for sku in SKUS]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def claimed(cast) -> CatalogImport:  # type: ignore[no-untyped-def]
    """An import claimed at T0 by the run of task "task-1", whose worker died after its first batch."""
    catalog_import = catalog_import_create(
        seller=cast.seller_a, user=cast.owner_a, upload=ContentFile(_file(), name="claim.csv"), schedule=False
    )
    CatalogImport.objects.filter(pk=catalog_import.pk).update(
        status=ImportStatus.RUNNING, started_at=T0, claimed_by="task-1", processed_rows=2, created_count=2
    )
    return catalog_import


def _imported_once(catalog_import: CatalogImport) -> None:
    catalog_import.refresh_from_db()
    assert catalog_import.status == ImportStatus.DONE
    assert (catalog_import.processed_rows, catalog_import.created_count, catalog_import.error_count) == (3, 3, 0)
    assert sorted(ProductVariant.objects.filter(sku__in=SKUS).values_list("sku", flat=True)) == SKUS


def test_a_queued_import_is_claimed_by_the_task_that_runs_it(cast) -> None:
    catalog_import = catalog_import_create(
        seller=cast.seller_a, user=cast.owner_a, upload=ContentFile(_file(), name="claim.csv"), schedule=False
    )
    assert catalog_import_task.apply(args=[catalog_import.pk], task_id="task-7").get() == "done"
    catalog_import.refresh_from_db()
    assert catalog_import.claimed_by == "task-7"
    _imported_once(catalog_import)


def test_a_redelivered_task_takes_its_own_claim_over_at_once(claimed, settings) -> None:
    # A second after the claim: far younger than the time limit, yet the claim is this task's own.
    with time_machine.travel(T0 + timedelta(seconds=1)):
        assert catalog_import_task.apply(args=[claimed.pk], task_id="task-1").get() == "done"
    _imported_once(claimed)  # from the first row, with fresh counters
    assert claimed.claimed_by == "task-1"
    assert claimed.started_at >= T0 + timedelta(seconds=1)


def test_a_live_claim_of_another_task_is_left_to_it(claimed, settings) -> None:
    # Just inside the time limit: the claimant may still be running; its own message finishes it.
    with time_machine.travel(T0 + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT - 1)):
        assert catalog_import_task.apply(args=[claimed.pk], task_id="task-2").get() == "running"
        assert catalog_import_run(import_id=claimed.pk).status == "running"  # no id: nobody's claim
    claimed.refresh_from_db()
    assert (claimed.claimed_by, claimed.started_at, claimed.processed_rows) == ("task-1", T0, 2)
    assert not ProductVariant.objects.filter(sku__in=SKUS).exists()


def test_a_claim_older_than_the_time_limit_is_taken_over_by_any_task(claimed, settings) -> None:
    with time_machine.travel(T0 + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)):
        assert catalog_import_task.apply(args=[claimed.pk], task_id="task-2").get() == "done"
    _imported_once(claimed)
    assert claimed.claimed_by == "task-2"
