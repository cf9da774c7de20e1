"""Running an import: claim it, count its rows, feed batches, record progress and errors."""

import csv
import logging
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.exceptions import ImportFileInvalid, ImportFileTooLarge
from marketplace.models import CatalogImport, Category, ImportStatus
from marketplace.services.imports.batch import BatchOutcome, run_batch
from marketplace.services.imports.reading import (
    ImportContext,
    ParsedRow,
    RowError,
    import_header_check,
    import_header_probe,
    is_skipped,
    open_rows,
    parse_row,
)
from sellers.models import Seller

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
#: Where import files went before they were private (public media, ``imports/2026/11/catalog.csv``).
LEGACY_PUBLIC_NAME = re.compile(r"^imports/\d{4}/\d{2}/[^/]+$")


def catalog_import_create(*, seller: Seller, user: Any, upload: Any, schedule: bool = True) -> CatalogImport:
    """Store the uploaded CSV and queue its import (after commit). Header problems are a 400 now."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileTooLarge(
            errors={
                "file": [
                    _("The file is %(size)s bytes; at most %(limit)s.")
                    % {"size": f"{size:,}", "limit": f"{settings.IMPORT_MAX_UPLOAD_BYTES:,}"}
                ]
            }
        )
    upload.seek(0)
    import_header_probe(upload)
    with transaction.atomic():
        catalog_import = CatalogImport(
            seller=seller, created_by=user, original_filename=str(getattr(upload, "name", ""))[:255]
        )
        # Private storage, under a random name (marketplace.models.imports.import_file_name).
        catalog_import.file.save("catalog.csv", upload, save=False)
        catalog_import.save()
        if schedule:
            transaction.on_commit(lambda: _schedule(catalog_import.pk))
    return catalog_import


def _schedule(import_id: int) -> None:
    from marketplace.tasks import catalog_import_task

    catalog_import_task.delay(import_id)


def _count_rows(catalog_import: CatalogImport) -> int:
    with catalog_import.file.open("rb") as fp:
        _columns, _delimiter, reader = open_rows(fp)
        return sum(1 for cells in reader if not is_skipped(cells))


def _fail(import_id: int, reason: str, errors: list[dict[str, Any]] | None = None) -> None:
    fields: dict[str, Any] = {"status": ImportStatus.FAILED, "failure_reason": reason, "finished_at": timezone.now()}
    if errors is not None:
        fields["errors"] = errors
        fields["error_count"] = len(errors)
    CatalogImport.objects.filter(pk=import_id).update(**fields)


def catalog_import_run(*, import_id: int, run_id: str = "") -> CatalogImport | None:
    """Run a queued import (the task calls this, ``run_id`` its task id); counters move on per committed batch.

    A ``queued`` import is claimed, and the claim records ``run_id``. A ``running`` import is taken
    over when its claimant is known to be gone:

    - the claim is this run's own (``claimed_by == run_id``): the task was delivered again, which
      the broker does only once the delivery that made the claim is over (its worker was killed:
      SIGKILL, out of memory, a lost machine; late acks and ``task_reject_on_worker_lost`` put the
      message back at once, or the broker's visibility timeout, longer than the task time limit,
      brings it back). No wait and no retry: the redelivered task carries on itself.
    - the claim is older than the task time limit: no worker can still be running it, whoever it
      was (a run without an id, an import re-queued by hand).

    The run then starts over from the first row with fresh counters: rows are upserted by SKU, so
    the products come out as if the file had been imported once. Any other ``running`` import is
    another live run's, which finishes it (or, killed, is delivered again and takes it over): this
    run does nothing and returns the import as it is."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    gone = Q(started_at__lt=stale)
    if run_id:
        gone |= Q(claimed_by=run_id)
    claimed = (
        CatalogImport.objects.filter(pk=import_id)
        .filter(Q(status=ImportStatus.QUEUED) | Q(gone, status=ImportStatus.RUNNING))
        .update(
            status=ImportStatus.RUNNING,
            started_at=now,
            claimed_by=run_id,
            processed_rows=0,
            created_count=0,
            updated_count=0,
            unchanged_count=0,
            error_count=0,
            errors=[],
        )
    )
    if not claimed:
        return CatalogImport.objects.filter(pk=import_id).first()
    catalog_import = CatalogImport.objects.select_related("seller").get(pk=import_id)
    try:
        # The row errors are stored and shown later, to whoever looks, in any language: they stay in
        # English even when the run happens inside a Russian or Chinese upload request (no broker).
        with translation.override("en"):
            total = _count_rows(catalog_import)
            CatalogImport.objects.filter(pk=import_id).update(total_rows=total)
            _process(catalog_import)
    except ImportFileInvalid as error:
        found = [(field, message) for field, messages in error.errors.items() for message in messages]
        rows = [{"row": 1, "field": field, "message": message} for field, message in found]
        _fail(import_id, error.detail, rows or [{"row": 1, "field": "columns", "message": error.detail}])
    except UnicodeDecodeError:
        _fail(import_id, "The file is not UTF-8; save the CSV as UTF-8 (with or without BOM).")
    except csv.Error as error:
        _fail(import_id, f"The CSV cannot be parsed: {error}")
    except Exception as error:
        # A bug, not the seller's file: logged with its trace and recorded on the import, but not
        # raised, because without a broker the task runs inside the upload request, which must not
        # become a 500 after the import was accepted. Batches already saved stay saved.
        logger.exception("catalog import %s failed", import_id)
        _fail(import_id, f"Unexpected error: {error.__class__.__name__}")
    return CatalogImport.objects.get(pk=import_id)


def _process(catalog_import: CatalogImport) -> None:
    seller = catalog_import.seller
    stored_errors: list[dict[str, Any]] = []
    totals = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    with catalog_import.file.open("rb") as fp:
        columns, delimiter, reader = open_rows(fp)
        import_header_check(columns)
        context = ImportContext(
            seller=seller,
            columns=columns,
            decimal_comma=delimiter == ";",
            categories=dict(Category.objects.values_list("slug", "id")),
        )
        batch: list[ParsedRow] = []
        batch_errors: list[dict[str, Any]] = []
        batch_rows = 0
        for index, cells in enumerate(reader, start=2):
            if is_skipped(cells):
                continue
            batch_rows += 1
            parsed, errors = parse_row(index, cells, context)
            if parsed is not None:
                first = context.seen_skus.get(parsed.sku)
                if first is not None:
                    errors = [RowError("sku", f"SKU {parsed.sku!r} already appears in row {first}; one row per SKU.")]
                    parsed = None
                else:
                    context.seen_skus[parsed.sku] = index
            if parsed is None:
                batch_errors.extend({"row": index, "field": e.field, "message": e.message} for e in errors)
            else:
                batch.append(parsed)
            if batch_rows >= settings.IMPORT_BATCH_SIZE:
                _commit_batch(catalog_import.pk, batch, batch_errors, batch_rows, context, totals, stored_errors)
                batch, batch_errors, batch_rows = [], [], 0
        _commit_batch(catalog_import.pk, batch, batch_errors, batch_rows, context, totals, stored_errors)
    CatalogImport.objects.filter(pk=catalog_import.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())


def _commit_batch(
    import_id: int,
    batch: list[ParsedRow],
    batch_errors: list[dict[str, Any]],
    batch_rows: int,
    context: ImportContext,
    totals: dict[str, int],
    stored_errors: list[dict[str, Any]],
) -> None:
    if not batch_rows:
        return
    outcome = BatchOutcome()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                outcome = run_batch(batch, context) if batch else BatchOutcome()
                _progress(import_id, batch_rows, outcome, batch_errors, totals, stored_errors)
            return
        except IntegrityError:
            # Another import of the same seller inserted one of these SKUs meanwhile: read again.
            if attempt == 2:
                logger.warning("catalog import %s: batch could not be saved", import_id, exc_info=True)
    failed = [
        {"row": row.row, "field": "sku", "message": "Could not be saved (a concurrent change); retry."} for row in batch
    ]
    with transaction.atomic():
        _progress(import_id, batch_rows, BatchOutcome(), batch_errors + failed, totals, stored_errors)


def _progress(
    import_id: int,
    batch_rows: int,
    outcome: BatchOutcome,
    batch_errors: list[dict[str, Any]],
    totals: dict[str, int],
    stored_errors: list[dict[str, Any]],
) -> None:
    errors = sorted(batch_errors + outcome.errors, key=lambda error: error["row"])
    totals["processed"] += batch_rows
    totals["created"] += outcome.created
    totals["updated"] += outcome.updated
    totals["unchanged"] += outcome.unchanged
    totals["errors"] += len(errors)
    fields: dict[str, Any] = {
        "processed_rows": totals["processed"],
        "created_count": totals["created"],
        "updated_count": totals["updated"],
        "unchanged_count": totals["unchanged"],
        "error_count": totals["errors"],
    }
    room = MAX_STORED_ERRORS - len(stored_errors)
    if errors and room > 0:
        stored_errors.extend(errors[:room])
        fields["errors"] = stored_errors
    CatalogImport.objects.filter(pk=import_id).update(**fields)


def catalog_import_files_purge(*, now: Any = None, batch_size: int = 500) -> int:
    """Delete the files of imports finished more than ``IMPORT_FILE_RETENTION_DAYS`` ago; returns how many.

    The import's row (counts, errors) stays; its ``file`` becomes blank. The row is cleared first
    and the file deleted after commit, so a re-run (or two overlapping beats) never deletes twice
    or leaves a row pointing at nothing. Files from before private storage (``imports/YYYY/MM/``
    in the public media storage) are deleted from there.
    """
    from django.core.files.storage import default_storage

    from marketplace.services.images import storage_files_delete

    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    storage = CatalogImport._meta.get_field("file").storage  # type: ignore[union-attr]
    purged = 0
    while True:
        with transaction.atomic():
            rows = list(
                CatalogImport.objects.select_for_update(skip_locked=True)
                .filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED], finished_at__lt=cutoff)
                .exclude(file="")
                .values_list("pk", "file")[:batch_size]
            )
            if not rows:
                return purged
            CatalogImport.objects.filter(pk__in=[pk for pk, _name in rows]).update(file="")
            private = [name for _pk, name in rows if not LEGACY_PUBLIC_NAME.match(name)]
            legacy = [name for _pk, name in rows if LEGACY_PUBLIC_NAME.match(name)]
            transaction.on_commit(lambda private=private: storage_files_delete(names=private, storage=storage))
            transaction.on_commit(lambda legacy=legacy: storage_files_delete(names=legacy, storage=default_storage))
        purged += len(rows)
