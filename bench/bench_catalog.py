"""Benchmark the public catalog on PostgreSQL under gunicorn, beside a trivial Django JSON view.

Run by hand (never by ``make test``), from the repository root:

    .venv/bin/python bench/bench_catalog.py [--products 100000] [--sellers 200] [--workers 4]
        [--concurrency 8] [--requests 3000] [--seconds 15] [--redis-db 13] [--reuse]

1. Seeds its own database (``karavan_bench_catalog`` on the local PostgreSQL, dropped and created
   unless ``--reuse``): the demo's ten warehouses on the seed transport network with delivery
   estimates, 200 sellers in six currencies, 100,000 products titled in English, Russian and Chinese
   with 1–3 variants, stock in one or two warehouses and a cover image each. Rows go in with COPY,
   the GIN indexes are built after the load, then VACUUM ANALYZE (autovacuum is off on this cluster).
   Reference prices are computed with the service's rates, and ``product_reference_prices_refresh``
   must then find nothing to change.
2. Serves the project with gunicorn on the production settings (``bench/catalog_site_settings.py``:
   production plus a trivial view), Redis as the cache (``--redis-db``, flushed before each server),
   persistent database connections as a pooler would give, on an ephemeral port of 127.0.0.1.
3. Drives each scenario from a separate process (this script with ``--drive``), bounded by
   ``--requests`` and ``--seconds``, after a warm-up that visits every URL of the scenario once.
   Scenarios: the trivial view, the first page, a page filtered with ``ship_to`` and ``currency``,
   a full-text search (four queries in rotation: English, a Russian word form, a Chinese fragment, a
   typo) and a product detail (300 products in rotation, prices in tenge). Twice: with the catalog's
   read cache (what production runs) and without it (``CATALOG_CACHE_SECONDS=0``: every request
   computed), each beside the trivial view measured on the same server in the same run.

Prints requests/s, p50 and p99 per scenario, and the ratio to the trivial view's requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_catalog"

# (en, ru, zh): what buyers of the region look for, in the three languages of the seed.
NOUNS = [
    ("kettle", "чайник", "水壶"),
    ("teapot", "заварник", "茶壶"),
    ("blender", "блендер", "搅拌机"),
    ("rice cooker", "рисоварка", "电饭煲"),
    ("vacuum cleaner", "пылесос", "吸尘器"),
    ("headphones", "наушники", "耳机"),
    ("phone case", "чехол", "手机壳"),
    ("power bank", "аккумулятор", "充电宝"),
    ("drill", "дрель", "电钻"),
    ("backpack", "рюкзак", "背包"),
    ("sneakers", "кроссовки", "运动鞋"),
    ("jacket", "куртка", "夹克"),
    ("dried apricots", "курага", "杏干"),
    ("raisins", "изюм", "葡萄干"),
    ("rice", "рис", "大米"),
    ("flour", "мука", "面粉"),
    ("honey", "мёд", "蜂蜜"),
    ("green tea", "зелёный чай", "绿茶"),
    ("carpet", "ковёр", "地毯"),
    ("desk lamp", "лампа", "台灯"),
    ("frying pan", "сковорода", "煎锅"),
    ("knife set", "набор ножей", "刀具套装"),
    ("smart watch", "умные часы", "智能手表"),
    ("tyre", "шина", "轮胎"),
    ("solar panel", "солнечная панель", "太阳能板"),
    ("sewing machine", "швейная машина", "缝纫机"),
    ("water pump", "насос", "水泵"),
    ("tiles", "плитка", "瓷砖"),
    ("towel", "полотенце", "毛巾"),
    ("toy car", "игрушечная машинка", "玩具车"),
    ("walnuts", "грецкие орехи", "核桃"),
    ("cotton shirt", "хлопковая рубашка", "棉衬衫"),
    ("thermos", "термос", "保温瓶"),
    ("air fryer", "аэрогриль", "空气炸锅"),
    ("router", "роутер", "路由器"),
    ("camping tent", "палатка", "帐篷"),
    ("bicycle", "велосипед", "自行车"),
    ("vase", "ваза", "花瓶"),
    ("saffron", "шафран", "藏红花"),
    ("silk scarf", "шёлковый шарф", "丝巾"),
]
ADJECTIVES = [
    ("electric", "электрический", "电动"),
    ("compact", "компактный", "小型"),
    ("premium", "премиальный", "高级"),
    ("stainless", "нержавеющий", "不锈钢"),
    ("portable", "портативный", "便携式"),
    ("classic", "классический", "经典"),
    ("organic", "органический", "有机"),
    ("wireless", "беспроводной", "无线"),
    ("family", "семейный", "家庭"),
    ("professional", "профессиональный", "专业"),
]
CITIES = ["Yiwu", "Guangzhou", "Samarkand", "Almaty", "Bishkek", "Tashkent", "Urumqi", "Moscow", "Minsk", "Osh"]
# Seller countries and currencies, in proportion.
SELLER_MIX = [("CN", "CNY")] * 8 + [("UZ", "UZS")] * 4 + [("KZ", "KZT")] * 4 + [("RU", "RUB")] * 2
SELLER_MIX += [("KG", "KGS"), ("BY", "BYN")]
CATEGORIES = ["electronics", "household", "tools-renovation", "clothing-shoes", "food", "health", "agri-machinery"]
SEARCHES = ["kettle", "чайники", "水壶", "kettel"]
TRIVIAL = "trivial Django JSON view"
DETAIL_PRODUCTS = 300


# --- seeding ----------------------------------------------------------------------------------


def database_prepare(url: str, *, reuse: bool) -> bool:
    """Create the bench database (dropping an old one unless reusing). True when it must be seeded."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return False
        if exists:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def database_ready(url: str, *, reuse: bool, products: int, sellers: int) -> None:
    """The profilers' start: the database (seeded with ``products`` unless ``reuse`` finds one) and Django."""
    fresh = database_prepare(url, reuse=reuse)
    django_setup(url)
    if fresh:
        timings = seed(products=products, sellers=sellers, rng=random.Random(2026))
        print("seeded:", ", ".join(f"{name} {value:.1f} s" for name, value in timings.items()))


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # eager tasks while seeding
    import django

    django.setup()


def _copy(cursor, table: str, columns: list[str], rows) -> int:  # type: ignore[no-untyped-def]
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return count


def seed(*, products: int, sellers: int, rng: random.Random) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from core.services import exchange_rates_seed_offline
    from demo.seed_warehouses import PLACEMENT, WAREHOUSES
    from marketplace.browse.search import SCHEMA_SQL
    from marketplace.models import Category
    from marketplace.models.catalog import product_search_text
    from marketplace.services.categories import category_seed_defaults
    from marketplace.services.prices import REFERENCE_PLACES, product_reference_prices_refresh, reference_rates
    from sellers.models import Seller
    from warehouses.models import Warehouse
    from warehouses.transport.models import Hub
    from warehouses.transport.services import delivery_estimates_recompute, network_load_seed

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - started

    started = time.perf_counter()
    exchange_rates_seed_offline()
    category_seed_defaults()
    network_load_seed()
    hubs = {hub.code: hub for hub in Hub.objects.all()}
    warehouses = {}
    for code, name, country, city, cold_storage, kind in WAREHOUSES:
        warehouses[code], _ = Warehouse.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "country": country,
                "city": city,
                "timezone": hubs[code].timezone,
                "hub": hubs[code],
                "cold_storage": cold_storage,
                "kind": kind,
            },
        )
    delivery_estimates_recompute()
    seller_rows = []
    for number in range(sellers):
        country, currency = SELLER_MIX[number % len(SELLER_MIX)]
        seller_rows.append(
            Seller(
                display_name=f"{rng.choice(CITIES)} Trading {number:03d}",
                legal_name=f"Bench Seller {number:03d} LLC",
                country=country,
                currency=currency,
            )
        )
    Seller.objects.bulk_create(seller_rows)
    all_sellers = list(Seller.objects.order_by("pk"))
    categories = list(Category.objects.filter(slug__in=CATEGORIES).values_list("pk", flat=True))
    rates = reference_rates({seller.currency for seller in all_sellers})
    usd_per = {currency: Decimal(1) / rate for currency, rate in rates.items()}
    timings["reference data"] = time.perf_counter() - started

    started = time.perf_counter()
    now = datetime.now(tz=UTC)
    exponent = Decimal(1).scaleb(-REFERENCE_PLACES)
    product_rows, variant_rows, stock_rows, image_rows = [], [], [], []
    variant_id = stock_id = 0
    for product_id in range(1, products + 1):
        seller = all_sellers[rng.randrange(len(all_sellers))]
        noun, adjective = rng.choice(NOUNS), rng.choice(ADJECTIVES)
        model = f"{noun[0][:2].upper()}-{rng.randrange(100, 9999)}"
        title = f"{adjective[0].capitalize()} {noun[0]} {model}"
        translations = {
            "ru": {
                "title": f"{noun[1].capitalize()} {adjective[1]} {model}",
                "description": f"{noun[1].capitalize()} из города {rng.choice(CITIES)}. Модель {model}.",
            },
            "zh": {"title": f"{adjective[2]}{noun[2]} {model}", "description": f"{noun[2]}，型号 {model}。"},
        }
        prices = []
        for number in range(rng.choice((1, 1, 2, 3))):
            variant_id += 1
            usd = Decimal(rng.randrange(200, 30000)) / 100
            price = (usd * usd_per[seller.currency]).quantize(Decimal("0.01"))
            prices.append(price)
            variant_rows.append(
                (
                    variant_id,
                    product_id,
                    seller.pk,
                    f"S{seller.pk}-{product_id}-{number}",
                    f"Option {number + 1}",
                    price,
                    seller.currency,
                    Decimal(rng.randrange(100, 20000)) / 1000,
                    Decimal(rng.randrange(5, 80)),
                    Decimal(rng.randrange(5, 60)),
                    Decimal(rng.randrange(2, 40)),
                    "",
                    True,
                    now,
                    now,
                )
            )
            for code in PLACEMENT.get(seller.country, ["ALA", "MOW"])[: rng.choice((1, 2))]:
                stock_id += 1
                on_hand = rng.choice((0, 3, 10, 25, 60))
                stock_rows.append((stock_id, variant_id, product_id, warehouses[code].pk, on_hand, 0, 5, now, ""))
        lowest = min(prices)
        status = "active" if rng.random() < 0.95 else "draft"
        created = now - timedelta(seconds=products - product_id)
        product_rows.append(
            (
                product_id,
                seller.pk,
                title,
                f"{adjective[0].capitalize()} {noun[0]} made in {rng.choice(CITIES)}. Model {model}.",
                json.dumps(translations, ensure_ascii=False),
                rng.choice(categories),
                "851671",
                seller.country,
                status,
                False,
                False,
                False,
                "",
                product_search_text(title, translations),
                lowest,
                seller.currency,
                (lowest * rates[seller.currency]).quantize(exponent),
                created,
                created,
            )
        )
        image_rows.append(
            (
                product_id,
                product_id,
                0,
                f"products/{product_id}/original.jpg",
                json.dumps({size: {"webp": f"products/{product_id}/{size}.webp"} for size in ("small", "medium")}),
                "JPEG",
                1200,
                900,
                "ready",
                "",
                "",
                now,
            )
        )
    timings["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("SET maintenance_work_mem = '512MB'")
        # The GIN indexes are built once after the load (faster than maintained row by row).
        cursor.execute("DROP INDEX IF EXISTS product_search_vector_idx")
        cursor.execute("DROP INDEX IF EXISTS product_search_text_trgm_idx")
        _copy(
            cursor,
            "marketplace_product",
            [
                "id",
                "seller_id",
                "title",
                "description",
                "translations",
                "category_id",
                "hs_code",
                "origin_country",
                "status",
                "perishable",
                "hazardous",
                "fragile",
                "external_ref",
                "search_text",
                "price_from",
                "price_from_currency",
                "price_reference",
                "created_at",
                "updated_at",
            ],
            product_rows,
        )
        _copy(
            cursor,
            "marketplace_productvariant",
            [
                "id",
                "product_id",
                "seller_id",
                "sku",
                "name",
                "price",
                "price_currency",
                "weight_kg",
                "length_cm",
                "width_cm",
                "height_cm",
                "barcode",
                "is_active",
                "created_at",
                "updated_at",
            ],
            variant_rows,
        )
        _copy(
            cursor,
            "warehouses_stock",
            [
                "id",
                "variant_id",
                "product_id",
                "warehouse_id",
                "on_hand",
                "reserved",
                "low_stock_threshold",
                "updated_at",
                "bin_location",
            ],
            stock_rows,
        )
        _copy(
            cursor,
            "marketplace_productimage",
            [
                "id",
                "product_id",
                "position",
                "original",
                "thumbnails",
                "format",
                "width",
                "height",
                "status",
                "failure_reason",
                "source",
                "created_at",
            ],
            image_rows,
        )
        timings["copy"] = time.perf_counter() - started
        started = time.perf_counter()
        for statement in SCHEMA_SQL:
            cursor.execute(statement)
        timings["gin indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    changed = product_reference_prices_refresh()
    timings["reference check"] = time.perf_counter() - started
    if changed:
        raise SystemExit(f"product_reference_prices_refresh changed {changed} rows: the seed's prices disagree")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum analyze"] = time.perf_counter() - started
    print(
        f"seeded {len(product_rows)} products, {len(variant_rows)} variants, {len(stock_rows)} stock rows, "
        f"{len(image_rows)} images, {len(all_sellers)} sellers, {len(warehouses)} warehouses"
    )
    return timings


# --- the server -------------------------------------------------------------------------------


class Server:
    """gunicorn on the production settings, on an ephemeral port of 127.0.0.1."""

    def __init__(self, *, url: str, workers: int, redis_db: int, cache_seconds: int) -> None:
        self.url, self.workers, self.redis_db, self.cache_seconds = url, workers, redis_db, cache_seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> Server:
        subprocess.run(["redis-cli", "-n", str(self.redis_db), "FLUSHDB"], check=True, capture_output=True)
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "catalog_site_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            # Persistent connections, as PgBouncer or Django's pool would give in production.
            "DATABASE_URL": f"{self.url}?conn_max_age=600",
            "CACHE_URL": f"redis://127.0.0.1:6379/{self.redis_db}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{self.redis_db - 1}",
            "CATALOG_CACHE_SECONDS": str(self.cache_seconds),
            "LOG_LEVEL": "WARNING",
        }
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.log = tempfile.NamedTemporaryFile(prefix="bench-catalog-gunicorn-", suffix=".log")
        self.process = subprocess.Popen(
            [gunicorn, "config.wsgi", "-w", str(self.workers), "-b", "127.0.0.1:0", "--log-level", "info"],
            cwd=ROOT,
            env=environment,
            stderr=self.log,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            log = Path(self.log.name).read_text(errors="replace")
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log)
            if found and log.count("Booting worker") >= self.workers:
                self.port = int(found.group(1))
                return self
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited before listening:\n{log}")
            time.sleep(0.2)
        raise SystemExit("gunicorn did not start within 90 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.log.close()


def drive(port: int, paths: list[str], *, concurrency: int, requests: int, seconds: float) -> dict:
    """Run the load driver as its own process; returns its JSON report."""
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--drive",
            f"--port={port}",
            f"--concurrency={concurrency}",
            f"--requests={requests}",
            f"--seconds={seconds}",
        ],
        input=json.dumps(paths).encode(),
        capture_output=True,
        check=True,
    )
    return json.loads(completed.stdout)


# --- the load driver (a separate process) -----------------------------------------------------


async def _one(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readline()
    await reader.read()  # the rest: headers and body, until the server closes
    writer.close()
    status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - started


async def _load(port: int, paths: list[str], concurrency: int, requests: int, seconds: float) -> dict:
    for path in paths:  # warm-up: every URL once (fills the cache), not measured
        status, _ = await _one(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal issued, errors
        while issued < requests and time.perf_counter() < deadline:
            path = paths[issued % len(paths)]
            issued += 1
            status, elapsed = await _one(port, path)
            if status == 200:
                latencies.append(elapsed)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000 if latencies else 0.0,
    }


# --- main -------------------------------------------------------------------------------------


def scenarios(rng: random.Random) -> dict[str, list[str]]:
    from marketplace.models import Product

    ids = list(Product.objects.filter(status="active").order_by("?").values_list("pk", flat=True)[:DETAIL_PRODUCTS])
    rng.shuffle(ids)
    return {
        TRIVIAL: ["/bench/trivial/"],
        "list: first page": ["/api/v1/products/"],
        "list: ship_to=KZ&currency=KZT": ["/api/v1/products/?ship_to=KZ&currency=KZT"],
        "search: q= (4 in rotation)": [f"/api/v1/products/?q={quote(q)}" for q in SEARCHES],
        "detail (300 products, KZT)": [f"/api/v1/products/{pk}/?currency=KZT" for pk in ids],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--sellers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--requests", type=int, default=3000, help="at most this many per scenario")
    parser.add_argument("--seconds", type=float, default=15.0, help="at most this long per scenario")
    parser.add_argument(
        "--redis-db", type=int, default=13, help="the cache's Redis database (the broker's is one below)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.drive:
        paths = json.loads(sys.stdin.read())
        print(json.dumps(asyncio.run(_load(args.port, paths, args.concurrency, args.requests, args.seconds))))
        return 0

    rng = random.Random(args.seed)
    fresh = database_prepare(args.database_url, reuse=args.reuse)
    django_setup(args.database_url)
    if fresh:
        started = time.perf_counter()
        timings = seed(products=args.products, sellers=args.sellers, rng=rng)
        steps = ", ".join(f"{name} {value:.1f} s" for name, value in timings.items())
        print(f"seeding took {time.perf_counter() - started:.1f} s ({steps})")
    plan = scenarios(rng)
    from django.db import connections

    connections.close_all()

    print(
        f"\ngunicorn -w {args.workers} (sync), production settings, Redis cache db {args.redis_db}; "
        f"load: {args.concurrency} in flight, at most {args.requests} requests or {args.seconds:.0f} s per scenario"
    )
    header = f"{'scenario':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'of trivial':>11} {'n':>6}"
    for label, cache_seconds in (("with the catalog cache", 300), ("without the cache (every request computed)", 0)):
        print(f"\n{label}\n{header}")
        server = Server(
            url=args.database_url, workers=args.workers, redis_db=args.redis_db, cache_seconds=cache_seconds
        )
        with server:
            # The trivial view runs first and last; its mean is the ceiling (the machine is shared).
            names = [*plan, TRIVIAL]
            reports = {}
            for index, name in enumerate(names):
                key = f"{name} (again)" if index == len(names) - 1 else name
                reports[key] = drive(
                    server.port, plan[name], concurrency=args.concurrency, requests=args.requests, seconds=args.seconds
                )
        baseline = statistics.mean([reports[TRIVIAL]["rps"], reports[f"{TRIVIAL} (again)"]["rps"]])
        for name, report in reports.items():
            errors = f"  ({report['errors']} errors)" if report["errors"] else ""
            print(
                f"{name:34} {report['rps']:8.1f} {report['p50']:8.1f} {report['p99']:8.1f} "
                f"{report['rps'] / baseline:10.1%} {report['requests']:6d}{errors}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
