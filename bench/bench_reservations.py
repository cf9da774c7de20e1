"""Benchmark concurrent stock reservations on PostgreSQL: one hot SKU, and many SKUs spread out.

Run from the repository root: `python bench/bench_reservations.py [--threads 16] [--hot-stock 2000]`.
Uses its own database (default ``karavan_bench_reservations`` on the local PostgreSQL; override
with ``--database-url``), created and migrated here. Each thread has its own connection and runs
every reservation in its own transaction, as checkout does. Prints reservations per second and
oversold units, which must be 0; exits non-zero if anything was oversold or the ledger disagrees.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import uuid
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_reservations"


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_threads(threads: int, work) -> tuple[float, list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    """Run ``work(index)`` in ``threads`` threads started together; returns elapsed seconds and results."""
    from django.db import connection

    barrier = threading.Barrier(threads + 1)
    results: list[tuple[int, int]] = [(0, 0)] * threads
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    pool = [threading.Thread(target=target, args=(index,)) for index in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = perf_counter()
    for thread in pool:
        thread.join()
    elapsed = perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed, results


def ledger_mismatches(variant_ids: list[int]) -> int:
    from django.db.models import Sum

    from warehouses.models import Stock

    bad = 0
    for stock in Stock.objects.filter(variant_id__in=variant_ids):
        sums = stock.ledger_entries.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
        if (stock.on_hand, stock.reserved) != (sums["on_hand"], sums["reserved"]) or stock.reserved > stock.on_hand:
            bad += 1
    return bad


def hot_sku(threads: int, stock_units: int, *, take: bool = False) -> bool:
    """Every thread reserves one unit at a time until none is left.

    ``take``: as order placement does it (ADR 0014): plan on unlocked counts, then one conditional
    UPDATE per row (``stock_plan`` + ``stock_take``), and the locking ``stock_reserve`` only when
    the plan went stale. Otherwise ``stock_reserve`` alone (lock the rows, plan, update).
    """
    from django.db import transaction

    from marketplace.tests.factories import VariantFactory
    from warehouses.exceptions import InsufficientStock
    from warehouses.models import Stock
    from warehouses.services import (
        ReservationLine,
        StockPlanStale,
        stock_plan,
        stock_receive,
        stock_reserve,
        stock_take,
    )
    from warehouses.tests.factories import WarehouseFactory

    ala, mow = WarehouseFactory(code="ALA"), WarehouseFactory(code="MOW")
    variant = VariantFactory(sku=f"HOT-{uuid.uuid4().hex[:8]}")
    stale = [0]
    # Most units near the buyer, some far away: the strategy has to choose under contention.
    near = stock_units * 3 // 4
    stock_receive(variant_id=variant.pk, warehouse_id=ala.pk, quantity=near, reference="bench")
    stock_receive(variant_id=variant.pk, warehouse_id=mow.pk, quantity=stock_units - near, reference="bench")
    line = [ReservationLine(variant.pk, 1)]

    def work(index: int) -> tuple[int, int]:
        reserved = refused = 0
        while True:
            reference = f"hot-{index}-{reserved}"
            try:
                if take:
                    plan = stock_plan(lines=line, destination_country="KZ")
                    try:
                        with transaction.atomic():
                            stock_take(plan=plan, reference=reference)
                        reserved += 1
                        continue
                    except StockPlanStale:
                        stale[0] += 1
                with transaction.atomic():
                    stock_reserve(lines=line, destination_country="KZ", reference=reference)
                reserved += 1
            except InsufficientStock:
                refused += 1
                return reserved, refused

    elapsed, results = run_threads(threads, work)
    reserved = sum(result[0] for result in results)
    rows = list(Stock.objects.filter(variant=variant))
    total_reserved = sum(row.reserved for row in rows)
    oversold = max(0, reserved - stock_units) + max(0, total_reserved - sum(row.on_hand for row in rows))
    mismatches = ledger_mismatches([variant.pk])
    label = "hot (take)" if take else "hot SKU   "
    print(
        f"{label} {threads:>3} threads  {stock_units} units  {reserved} reserved in {elapsed:.2f} s  "
        f"{reserved / elapsed:,.0f} reservations/s  oversold {oversold}  "
        f"unsold {stock_units - total_reserved}  ledger mismatches {mismatches}"
        + (f"  stale plans {stale[0]}" if take else "")
    )
    return oversold == 0 and mismatches == 0 and total_reserved == stock_units == reserved


def spread_skus(threads: int, skus: int, per_thread: int, seed: int) -> bool:
    from django.db import transaction

    from marketplace.tests.factories import ProductFactory, VariantFactory
    from warehouses.exceptions import InsufficientStock
    from warehouses.models import Stock
    from warehouses.services import ReservationLine, stock_receive, stock_reserve
    from warehouses.tests.factories import WarehouseFactory

    ala, mow = WarehouseFactory(code="ALA"), WarehouseFactory(code="MOW")
    product = ProductFactory()
    tag = uuid.uuid4().hex[:8]
    variants = [VariantFactory(product=product, sku=f"SPREAD-{tag}-{index}") for index in range(skus)]
    units_per_row = 20
    for variant in variants:
        stock_receive(variant_id=variant.pk, warehouse_id=ala.pk, quantity=units_per_row, reference="bench")
        stock_receive(variant_id=variant.pk, warehouse_id=mow.pk, quantity=units_per_row, reference="bench")
    ids = [variant.pk for variant in variants]

    def work(index: int) -> tuple[int, int]:
        rng = random.Random(seed * 1000 + index)
        reserved_units = refused = 0
        for attempt in range(per_thread):
            # A cart of 1-3 distinct SKUs in random order (lock order must not depend on it).
            cart = rng.sample(ids, rng.randint(1, 3))
            lines = [ReservationLine(variant_id, rng.randint(1, 2)) for variant_id in cart]
            try:
                with transaction.atomic():
                    stock_reserve(lines=lines, destination_country="KZ", reference=f"spread-{index}-{attempt}")
                reserved_units += sum(line.quantity for line in lines)
            except InsufficientStock:
                refused += 1
        return reserved_units, refused

    elapsed, results = run_threads(threads, work)
    attempts = threads * per_thread
    refused = sum(result[1] for result in results)
    reserved_units = sum(result[0] for result in results)
    rows = list(Stock.objects.filter(variant_id__in=ids))
    total_reserved = sum(row.reserved for row in rows)
    oversold = sum(max(0, row.reserved - row.on_hand) for row in rows) + abs(total_reserved - reserved_units)
    mismatches = ledger_mismatches(ids)
    print(
        f"spread     {threads:>3} threads  {skus} SKUs × 2 warehouses  {attempts} carts in {elapsed:.2f} s  "
        f"{(attempts - refused) / elapsed:,.0f} reservations/s ({reserved_units} units, {refused} refused)  "
        f"oversold {oversold}  ledger mismatches {mismatches}"
    )
    return oversold == 0 and mismatches == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--hot-stock", type=int, default=2000)
    parser.add_argument("--skus", type=int, default=200)
    parser.add_argument("--per-thread", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark needs PostgreSQL (row locks); pass --database-url postgres://...")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    ok = True
    for threads in sorted({1, 4, args.threads}):
        ok &= hot_sku(threads, args.hot_stock if threads > 1 else args.hot_stock // 4)
        ok &= hot_sku(threads, args.hot_stock if threads > 1 else args.hot_stock // 4, take=True)
    for threads in sorted({1, 4, args.threads}):
        ok &= spread_skus(threads, args.skus, args.per_thread, args.seed)
    print("OK: nothing oversold, ledger matches" if ok else "FAILED: oversold units or ledger mismatch")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
