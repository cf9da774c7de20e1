"""Profile the public catalog in-process (no server): queries and milliseconds per request, and a cProfile.

Run by hand from the repository root, after ``bench/bench_catalog.py`` seeded its database (or with
``--products`` to seed a smaller one here):

    .venv/bin/python bench/profile_catalog.py [--database-url ...] [--products 20000] [--reuse]
        [--requests 60] [--profile list|filtered|search|detail]

Each scenario runs its URLs through Django's test client with the catalog read cache off
(``CATALOG_CACHE_SECONDS=0``: every request computed), after a warm-up; it prints the queries per
request, the SQL time, the whole time and this process's CPU time per request (medians). With
``--profile``, the top of a cProfile of that scenario (cumulative time) follows.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_catalog

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_catalog"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--sellers", type=int, default=50)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", choices=["list", "filtered", "search", "detail"])
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    args = parser.parse_args()
    bench_catalog.database_ready(args.database_url, reuse=args.reuse, products=args.products, sellers=args.sellers)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.CATALOG_CACHE_SECONDS = 0
    settings.DEBUG = False
    plan = bench_catalog.scenarios(random.Random(2026))
    chosen = {
        "list": plan["list: first page"],
        "filtered": plan["list: ship_to=KZ&currency=KZT"],
        "search": plan["search: q= (4 in rotation)"],
        "detail": plan["detail (300 products, KZT)"],
    }
    client = Client()
    # "cpu ms" is this process's CPU time per request (time.process_time): Python's own work, which
    # waiting on the database or on other processes of a busy machine does not inflate.
    print(f"{'scenario':10} {'queries':>8} {'sql ms':>8} {'total ms':>9} {'cpu ms':>8}")
    for name, paths in chosen.items():
        for path in paths[:5]:  # warm-up: per-process caches (rates, network, search setup)
            assert client.get(path).status_code == 200, path
        totals, sqls, counts, cpus = [], [], [], []
        for index in range(args.requests):
            path = paths[index % len(paths)]
            with CaptureQueriesContext(connection) as captured:
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                totals.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, path
            sqls.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            counts.append(len(captured.captured_queries))
        total, sql = statistics.median(totals), statistics.median(sqls)
        cpu_ms = statistics.median(cpus)
        print(f"{name:10} {statistics.median(counts):8.0f} {sql:8.1f} {total:9.1f} {cpu_ms:8.1f}")
    if args.profile:
        paths = chosen[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for index in range(args.requests):
            client.get(paths[index % len(paths)])
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
