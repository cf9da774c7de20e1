"""The CSV import as the Celery worker runs it, in a process of its own: ``python -m bench.import_worker ROWS``.

Creates a seller, generates ROWS catalog rows (bench_import.csv_generate) and imports them with
``catalog_import_run``; prints one JSON line: rows, seconds, rows/s and the process's peak resident
memory (VmHWM, bench_import.peak_mb: Django's start-up included, as in a worker). DATABASE_URL and
DJANGO_SETTINGS_MODULE come from the environment (bench/run.py sets them).
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def main(rows: int) -> None:
    import django

    django.setup()
    from bench_import import csv_generate
    from bench_import import peak_mb as peak_rss_mb
    from django.core.files import File

    from accounts.models import User
    from marketplace.services.categories import category_seed_defaults
    from marketplace.services.imports import catalog_import_create, catalog_import_run
    from sellers.services import seller_create

    category_seed_defaults()
    stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
    user = User.objects.create_user(email=f"bench-import-{stamp}@bench.local", password="bench-import-9")
    seller = seller_create(
        user=user, display_name=f"Import {stamp}", legal_name="Bench Co.", country="CN", currency="CNY"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.csv"
        csv_generate(path, rows, prefix=f"I{seller.pk}")
        with path.open("rb") as handle:
            catalog_import = catalog_import_create(seller=seller, user=user, upload=File(handle), schedule=False)
        started = time.perf_counter()
        done = catalog_import_run(import_id=catalog_import.pk)
        elapsed = time.perf_counter() - started
    if done is None or done.status != "done":
        raise SystemExit(f"the import failed: {done and done.failure_reason}")
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "rows": done.processed_rows,
                "seconds": elapsed,
                "rows_per_s": done.processed_rows / elapsed,
                "peak_mb": peak_mb,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
