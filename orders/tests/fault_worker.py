"""Fault: a real Celery worker's process is killed with SIGKILL in the middle of a task (``make test-faults``).

The worker runs the prefork pool (one child) on a private queue against this test's PostgreSQL
database and the configured broker. The test holds a row lock the task needs at its end, waits
until the task's session is blocked on it (the task has done its work but not recorded it), kills
the child with SIGKILL and lets go of the lock. With late acknowledgement and
``task_reject_on_worker_lost`` the message goes back to the queue, a new child runs the task
again, and the result is as if it had run once. ``manage.py audit``'s checks run after.
"""

import csv
import io
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from celery.result import AsyncResult
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image

from config.celery import app as celery_app
from core.tests.workers import celery_worker_start, celery_worker_stop
from marketplace.models import ProductImage
from marketplace.tasks import product_image_thumbnails_task
from orders.audit import audit_run
from orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST'] or '127.0.0.1'} port={db.get('PORT') or 5432} user={db['USER']} dbname={db['NAME']}"


@pytest.fixture
def start_worker() -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Starts ``celery worker --pool=prefork --concurrency=1`` on a private queue, sharing this test's
    database and media (plus ``extra`` environment); stopped after the test. The worker is not eager:
    what its tasks send goes through the broker to that queue (config/settings/test.py)."""
    started: list[subprocess.Popen[bytes]] = []
    eager = celery_app.conf.task_always_eager

    def start(**extra: str) -> dict[str, Any]:
        queue, process = celery_worker_start(prefix="karavan-fault", pool="prefork", IMPORT_BATCH_SIZE="2", **extra)
        started.append(process)
        celery_app.conf.task_always_eager = False
        return {"queue": queue, "pid": process.pid}

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = eager
        for process in started:
            celery_worker_stop(process)


@pytest.fixture
def worker(start_worker) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return start_worker()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _blocked_session(monitor: Any) -> int:
    """The pid of the session waiting for the test's lock (polled: each query takes about a millisecond)."""
    for _ in range(300_000):
        row = monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        if row:
            return int(row[0])
    raise AssertionError("the task never reached the locked row")


def _kill_mid_task(*, worker: dict[str, Any], lock_sql: str, lock_args: list[Any], send: Any) -> str:
    """Hold the row lock, send the task, SIGKILL the child once the task waits on the lock; the task id."""
    with psycopg.connect(_dsn(), autocommit=True) as monitor, psycopg.connect(_dsn()) as locker:
        locker.execute(lock_sql, lock_args)
        task_id = send()
        _blocked_session(monitor)
        (child,) = _children(worker["pid"])
        os.kill(child, signal.SIGKILL)
        locker.rollback()
    return task_id


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_worker_killed_while_thumbnailing_leaves_one_set_of_thumbnails(worker, market) -> None:
    product = market.a_urc.product
    folder = f"products/{product.pk}/{uuid.uuid4().hex}"
    original = default_storage.save(f"{folder}/original.png", ContentFile(_png()))
    image = ProductImage.objects.create(product=product, original=original, format="PNG", width=640, height=480)

    def send() -> str:
        return product_image_thumbnails_task.apply_async(args=[image.pk], queue=worker["queue"]).id

    # The task writes its files, then records them on the image row: it blocks there, and dies there.
    task_id = _kill_mid_task(
        worker=worker, lock_sql="SELECT id FROM marketplace_productimage WHERE id = %s FOR UPDATE",
        lock_args=[image.pk], send=send,
    )  # fmt: skip
    assert (
        AsyncResult(task_id, app=celery_app).get(timeout=120, disable_sync_subtasks=False) == "ready"
    )  # redelivered, run again

    image.refresh_from_db()
    assert image.status == "ready"
    files = sorted(default_storage.listdir(folder)[1])
    # One set: the original and each size in WebP and JPEG, no second copy with a random suffix.
    expected = sorted(["original.png"] + [f"{size}.{ext}" for size in image.thumbnails for ext in ("webp", "jpg")])
    assert files == expected
    findings = audit_run()
    print(f"fault: worker SIGKILLed mid-thumbnail: redelivered, {len(files)} files, once; audit: {len(findings)}")
    assert findings == []


def _import_csv(skus: list[str]) -> bytes:
    from marketplace.services.imports import CONTRACT_COLUMNS

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CONTRACT_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for sku in skus:
        writer.writerow(
            {"sku": sku, "product_ref": sku, "title": f"Fault {sku}", "description": "x", "category": "",
             "price": "10.00", "hs_code": "610910", "origin_country": "CN", "weight_kg": "0.20", "length_cm": "30",
             "width_cm": "25", "height_cm": "2", "perishable": "false", "variant_name": "M", "status": "draft"}
        )  # fmt: skip
    return buffer.getvalue().encode()


def test_a_worker_killed_during_a_csv_import_is_taken_over_and_imports_each_row_once(worker, market, make_user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from marketplace.models import ProductVariant
    from marketplace.services.imports import catalog_import_create
    from marketplace.tasks import catalog_import_task

    seller = market.seller_a
    skus = [f"FAULT-{n}" for n in range(5)]
    upload = SimpleUploadedFile("fault.csv", _import_csv(skus), content_type="text/csv")
    catalog_import = catalog_import_create(
        seller=seller, user=make_user(email="fault-import@example.com"), upload=upload, schedule=False
    )

    def send() -> str:
        return catalog_import_task.apply_async(args=[catalog_import.pk], queue=worker["queue"]).id

    # Products reference their seller: the first batch's INSERT waits on the seller row, after the
    # import was claimed (status running, committed). The worker dies there.
    task_id = _kill_mid_task(
        worker=worker, lock_sql="SELECT id FROM sellers_seller WHERE id = %s FOR UPDATE",
        lock_args=[seller.pk], send=send,
    )  # fmt: skip
    # Redelivered at once with the same task id: the claim is its own, so the task takes the import
    # over there and then, from the first row. The worker keeps the default time limit (15 minutes),
    # so a claim that merely aged could not be taken over within this wait.
    assert AsyncResult(task_id, app=celery_app).get(timeout=120, disable_sync_subtasks=False) == "done"
    catalog_import.refresh_from_db()
    assert catalog_import.claimed_by == task_id
    assert catalog_import.processed_rows == len(skus) and catalog_import.error_count == 0, catalog_import.errors
    assert sorted(ProductVariant.objects.filter(sku__in=skus).values_list("sku", flat=True)) == skus  # once each
    findings = audit_run()
    print(f"fault: worker SIGKILLed mid-import: taken over, {len(skus)} rows imported once; audit: {len(findings)}")
    assert findings == []


def test_a_worker_killed_while_a_payout_transfer_is_in_flight_pays_each_seller_once(
    start_worker, stripe, market, make_user, client_for, webhook_send
) -> None:
    from orders.models import LedgerPosting, OrderStatus, Payment, SellerTransfer, TransferStatus
    from orders.tasks import payouts_run_task
    from orders.tests.payments_support import deliver_everything, place_order
    from orders.tests.test_refunds_payouts import connect

    buyer = make_user(email="fault-payout@example.com")
    order = place_order(client_for(buyer), buyer, market)
    stripe.payment_succeed(Payment.objects.get(order=order).provider_payment_id)
    stripe.deliver_pending(webhook_send)
    connect(stripe, market.seller_a)
    connect(stripe, market.seller_b)
    deliver_everything(order)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    worker = start_worker(
        PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_karavan_fake", STRIPE_API_BASE=stripe.base_url,
        STRIPE_WEBHOOK_SECRET=stripe.webhook_secret,
    )  # fmt: skip
    # Stripe carries out the first transfer, but its answer is still on the way when the worker dies.
    stripe.stall_next("/v1/transfers")
    task_id = payouts_run_task.apply_async(queue=worker["queue"]).id
    for _ in range(10_000_000):  # the fake records the call in this process: no database round trip
        if stripe.calls("/v1/transfers"):
            break
    else:
        raise AssertionError("the payout never reached Stripe")
    (child,) = _children(worker["pid"])
    os.kill(child, signal.SIGKILL)
    stripe.release_stalled()

    # Redelivered: the run sends the same transfer again with the same key, and the second one.
    AsyncResult(task_id, app=celery_app).get(timeout=120, disable_sync_subtasks=False)
    assert len(stripe.transfers) == 2  # one per seller, the interrupted one not twice
    keys = [call.headers["idempotency-key"] for call in stripe.calls("/v1/transfers")]
    assert len(set(keys)) == 2 and len(keys) >= 3  # the interrupted transfer was sent again, same key
    transfers = SellerTransfer.objects.filter(seller_order__order=order)
    assert sorted(transfers.values_list("status", flat=True)) == [TransferStatus.PAID] * 2
    assert LedgerPosting.objects.filter(order=order, kind="transfer").count() == 2
    findings = audit_run()
    print(f"fault: worker SIGKILLed mid-transfer: {len(stripe.transfers)} transfers, once each; audit: {len(findings)}")
    assert findings == []
