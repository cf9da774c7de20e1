"""Profile a flash sale's requests in-process (no server): queries, milliseconds and CPU per request.

Run by hand from the repository root, after ``make bench`` seeded its database (or with
``--products`` to seed a smaller one here):

    .venv/bin/python bench/profile_flash.py [--database-url ...] [--reuse] [--buyers 60]
        [--live] [--profile cart|order] [--sort tottime]

The bench's own fixtures (``bench/run.py``: a hot SKU, or with ``--live`` a live offer capped below
its stock, and fresh buyers with API tokens) are created, then each buyer's two requests, adding the
SKU to the cart and placing the order with an ``Idempotency-Key``, run one after the other through
Django's test client on the test settings (the offline payment provider, tasks run eagerly: the
order e-mail task's queries are counted in the placed order's, where production runs them on the
worker). Half the buyers get the stock: the rest are sold out. It prints, per kind of request, the
queries, the whole time and this process's CPU time (medians); with ``--profile``, the top of a
cProfile of the cart requests or of the order requests (placed and sold out).

The server's requests are CPU-bound in Python (during ``make bench``'s flash sale both cores are
busy), so the CPU time per request bounds what ``make bench``'s flash sale (as many buyers sold out
as served) can reach: orders/s ≤ cores ÷ (2 × cart + placed + sold out), printed last; PostgreSQL,
the worker and the load generator use the same cores on top.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_catalog

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench"
KINDS = ("cart", "placed", "sold_out")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--products", type=int, default=3_000)
    parser.add_argument("--sellers", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database (make bench's)")
    parser.add_argument("--buyers", type=int, default=60)
    parser.add_argument("--live", action="store_true", help="a live offer capped at half the buyers")
    parser.add_argument("--profile", choices=("cart", "order"))
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    args = parser.parse_args()
    bench_catalog.database_ready(args.database_url, reuse=args.reuse, products=args.products, sellers=args.sellers)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import Fixtures

    settings.DEBUG = False
    half = args.buyers // 2
    fixtures = Fixtures(random.Random(2026))
    if args.live:
        _variant, steps, _offer = fixtures.flash_sale(buyers=args.buyers, stock=args.buyers, cap=half)
    else:
        _variant, steps, _offer = fixtures.flash_sale(buyers=args.buyers, stock=half, cap=None)
    client = Client(HTTP_HOST="127.0.0.1")
    profiler = cProfile.Profile()

    def send(step: dict[str, Any], kind: str) -> tuple[Any, int, float, float]:
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in step["headers"].items()}
        body = json.dumps(step["body"])
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            if kind == args.profile:
                profiler.enable()
            response = client.generic(step["method"], step["path"], body, content_type="application/json", **headers)
            profiler.disable()
            total, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        return response, len(captured.captured_queries), total, cpu

    figures: dict[str, list[tuple[int, float, float]]] = {kind: [] for kind in KINDS}
    for cart_step, order_step in steps:
        response, queries, total, cpu = send(cart_step, "cart")
        assert response.status_code == 201, response.content
        figures["cart"].append((queries, total, cpu))
        response, queries, total, cpu = send(order_step, "order")
        kind = {201: "placed", 409: "sold_out"}.get(response.status_code)
        assert kind is not None, response.content
        figures[kind].append((queries, total, cpu))
    print(f"{'request':10} {'count':>6} {'queries':>8} {'total ms':>9} {'cpu ms':>8}")
    for kind, rows in figures.items():
        if rows:
            queries, total, cpu = (statistics.median(row[index] for row in rows) for index in range(3))
            print(f"{kind:10} {len(rows):6} {queries:8.0f} {total:9.1f} {cpu:8.1f}")
    medians = {kind: statistics.median(row[2] for row in rows) for kind, rows in figures.items() if rows}
    if len(medians) == len(KINDS):
        cores = os.cpu_count() or 1
        per_order = 2 * medians["cart"] + medians["placed"] + medians["sold_out"]
        print(f"bound: {cores * 1000 / per_order:.1f} orders/s on {cores} cores (this process's CPU alone)")
    if args.profile:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
