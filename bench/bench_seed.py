"""Benchmark: `seed_demo` on a fresh database, then again after another seller imported 20,000 rows.

This is what a second `make run` costs once the demo has been used: the second seed must take
seconds and leave the other seller's catalog alone (no images, no stock, no ledger entries).
Prints the time of each step (wall and CPU) and the row counts before and after the second seed.

    .venv/bin/python bench/bench_seed.py [rows]        # the embedded SQLite default, in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/karavan_bench_seed .venv/bin/python bench/bench_seed.py

Everything happens in a throwaway folder (KARAVAN_VAR_DIR); on PostgreSQL the database is
created when missing and each run adds a fresh seller, so runs never collide.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def counts(seller_id: int) -> dict[str, int]:
    from marketplace.models import CatalogImport, Product, ProductImage, ProductVariant
    from warehouses.models import Stock, StockLedgerEntry

    return {
        "products": Product.objects.count(),
        "variants": ProductVariant.objects.count(),
        "images": ProductImage.objects.count(),
        "imports": CatalogImport.objects.count(),
        "stock rows": Stock.objects.count(),
        "ledger entries": StockLedgerEntry.objects.count(),
        "other seller's images": ProductImage.objects.filter(product__seller_id=seller_id).count(),
        "other seller's stock rows": Stock.objects.filter(variant__seller_id=seller_id).count(),
    }


def timed_seed(label: str) -> float:
    from django.core.management import call_command

    started, cpu = time.perf_counter(), time.process_time()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    elapsed = time.perf_counter() - started
    # CPU time as well: on a shared machine the wall time says more about the neighbours.
    print(f"{label}: {elapsed:.1f}s wall, {time.process_time() - cpu:.1f}s CPU")
    return elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    folder = tempfile.mkdtemp(prefix="karavan-bench-seed-")
    os.environ["KARAVAN_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Tasks go to the embedded broker in the temp folder; nothing consumes them during the bench.
    os.environ.setdefault("MEDIA_ROOT", str(Path(folder) / "media"))
    os.environ.setdefault("EMAIL_FILE_PATH", str(Path(folder) / "emails"))
    url = os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/karavan.sqlite3")
    if url.startswith("postgres"):
        from bench_import import database_ensure

        database_ensure(url)

    import django

    django.setup()
    from bench_import import csv_generate
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from marketplace.services.imports import catalog_import_create, catalog_import_run
    from sellers.services import seller_create

    print(f"database: {connection.vendor} ({url.split('@')[-1]}); folder {folder}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f}s")
    timed_seed("first seed_demo (empty database)")

    stamp = time.strftime("%Y%m%d%H%M%S")
    user = User.objects.create_user(email=f"bench-seed-{stamp}-{os.getpid()}@example.com", password="bench-seed-9")
    seller = seller_create(
        user=user, display_name=f"Bench {stamp}", legal_name="Bench Co.", country="CN", currency="CNY"
    )
    path = Path(folder) / "catalog.csv"
    csv_generate(path, rows, prefix=f"S{seller.pk}")
    with path.open("rb") as handle:
        catalog_import = catalog_import_create(seller=seller, user=user, upload=File(handle), schedule=False)
    started = time.perf_counter()
    done = catalog_import_run(import_id=catalog_import.pk)
    assert done is not None and done.status == "done", done and done.failure_reason
    print(f"another seller imported {done.created_count:,} rows in {time.perf_counter() - started:.1f}s")

    before = counts(seller.pk)
    timed_seed(f"second seed_demo ({rows:,} rows of another seller)")
    after = counts(seller.pk)
    for name, value in before.items():
        change = "unchanged" if after[name] == value else f"CHANGED to {after[name]:,}"
        print(f"  {name}: {value:,} {change}")


if __name__ == "__main__":
    main()
