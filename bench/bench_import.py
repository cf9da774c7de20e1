"""Benchmark: import a generated 100,000-row catalog CSV against PostgreSQL.

Prints rows per second and the importing process's peak memory (ru_maxrss), for a first import
(every row created) and a re-import of the same file (every row unchanged). Targets (issue 3):
at least 2,000 rows/s, peak memory under 300 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/karavan_bench_import .venv/bin/python bench/bench_import.py [rows]

The database is created (and migrated) when missing; each run adds a fresh seller, so runs never
collide. The import runs in this process exactly as the Celery task would (``catalog_import_run``).
"""

import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_import"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ["electronics", "household", "tools-renovation", "clothing-shoes", "agri-machinery", "food"]
HS_CODES = ["850760", "851830", "854442", "851671", "961700", "732393", "610910", "640411", "690721", "843230"]
COLUMNS = [
    "sku",
    "product_ref",
    "title",
    "description",
    "category",
    "price",
    "hs_code",
    "origin_country",
    "weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "perishable",
    "temperature_min_c",
    "temperature_max_c",
    "variant_name",
    "status",
    "title_ru",
]


def database_ensure(url: str) -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def csv_generate(path: Path, rows: int, prefix: str) -> None:
    """One row per variant; products of 1–4 variants (sizes/colours), like a factory's export."""
    rng = random.Random(42)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        written, product = 0, 0
        while written < rows:
            product += 1
            variants = min(rng.randint(1, 4), rows - written)
            category = rng.choice(CATEGORIES)
            hs_code = rng.choice(HS_CODES)
            base_price = rng.randint(5, 5000)
            for index in range(variants):
                writer.writerow(
                    [
                        f"{prefix}-{product:06d}-{index}",
                        f"{prefix}-{product:06d}",
                        f"Generated product {product} for {category}",
                        "Made for the import benchmark; sturdy, well packed.",
                        category,
                        f"{base_price + index * 3}.{rng.randint(0, 99):02d}",
                        hs_code,
                        "CN",
                        f"{rng.randint(1, 5000) / 100:.2f}",
                        str(rng.randint(5, 120)),
                        str(rng.randint(5, 80)),
                        str(rng.randint(1, 60)),
                        "false",
                        "",
                        "",
                        f"variant {index}",
                        "active",
                        f"Товар {product}",
                    ]
                )
                written += 1


def peak_mb() -> float:
    """This program's peak resident memory in MB: ``VmHWM``, the high-water mark of its own memory
    map, which ``exec`` starts afresh. ``ru_maxrss`` is not: Linux carries it over from the parent
    that forked the process, so a worker started by ``make bench`` (which holds the 100,000-product
    seed, about 490 MB) reported the bench's memory, not its own. ``ru_maxrss`` only where there
    is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL for this benchmark")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database_ensure(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from accounts.models import User
    from marketplace.models import ProductVariant
    from marketplace.services.categories import category_seed_defaults
    from marketplace.services.imports import catalog_import_create, catalog_import_run
    from sellers.services import seller_create

    category_seed_defaults()
    stamp = time.strftime("%Y%m%d%H%M%S")
    user = User.objects.create_user(email=f"bench-{stamp}-{os.getpid()}@example.com", password="bench-import-9")
    seller = seller_create(
        user=user, display_name=f"Bench {stamp}", legal_name="Bench Co.", country="CN", currency="CNY"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.csv"
        started = time.perf_counter()
        csv_generate(path, rows, prefix=f"B{seller.pk}")
        print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s")
        print(f"batch size {settings.IMPORT_BATCH_SIZE}; peak memory before importing: {peak_mb():.0f} MB")
        for label in ("first import (creates)", "re-import (unchanged)"):
            with path.open("rb") as handle:
                catalog_import = catalog_import_create(seller=seller, user=user, upload=File(handle), schedule=False)
            started = time.perf_counter()
            done = catalog_import_run(import_id=catalog_import.pk)
            elapsed = time.perf_counter() - started
            assert done is not None and done.status == "done", done and done.failure_reason
            rate = done.processed_rows / elapsed
            print(
                f"{label}: {done.processed_rows:,} rows in {elapsed:.1f}s = {rate:,.0f} rows/s; "
                f"created {done.created_count:,}, updated {done.updated_count:,}, unchanged {done.unchanged_count:,}, "
                f"errors {done.error_count}; peak memory {peak_mb():.0f} MB"
            )
    print(f"variants of the bench seller: {ProductVariant.objects.filter(seller=seller).count():,}")
    rate_ok = "yes" if done.processed_rows / elapsed >= 2000 else "NO"
    print(f"targets: >= 2,000 rows/s and < 300 MB peak → rows/s ok: {rate_ok}, memory ok: {peak_mb() < 300}")


if __name__ == "__main__":
    main()
