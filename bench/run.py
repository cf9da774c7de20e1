"""The benchmark suite: one entry point (``make bench``, ``python -m bench``), one method, one table.

1. Seeds its own PostgreSQL database (``--database-url``; dropped and created unless ``--reuse``):
   100,000 products across 200 sellers and 10 warehouses in three languages (bench_catalog.seed:
   COPY, GIN indexes after the load, VACUUM ANALYZE), then per run a hot SKU, a hot live offer,
   fresh buyers, a two-seller cart and unpaid Stripe orders (ORM, bulk_create, ANALYZE).
2. Starts `make serve`'s processes (Procfile.serve: gunicorn with uvicorn workers, psycopg's pool,
   whitenoise, the Redis cache, a Celery worker and beat) on the production settings plus one
   bench-only URL, the trivial JSON view (bench/catalog_site_settings.py), on 127.0.0.1:``--port``.
3. Drives the load from a separate process (bench/load.py), bounded by ``--requests`` and
   ``--seconds`` per scenario, ``--runs`` times; measures the machine's ceilings in each run: the
   trivial view on the same server (first and last; their mean) and ``pgbench`` with a one-hot-row
   reservation transaction on the same PostgreSQL; and a CPU ceiling for in-process figures.
4. Prints one table of medians, each figure with its ratio to its ceiling and the issue's target,
   the web workers' resident memory after the run and the import worker's peak; writes the JSON
   result file (bench/results/, path printed). ``--quick`` for a smoke run of every scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for entry in (str(ROOT), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench.stats import Row, median_of_runs, ratio, result_document, result_write, table  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench"
ADDRESS = {
    "recipient": "Bench Buyer",
    "phone": "+7 701 234 5678",
    "country": "KZ",
    "city": "Almaty",
    "postal_code": "050000",
    "line1": "Abay Ave 10",
}
WEBHOOK_SECRET = "whsec_bench"
SEARCHES = ["kettle", "чайники", "水壶", "kettel"]
TRIVIAL = "trivial"
PGBENCH_SCRIPT = """\
BEGIN;
UPDATE bench_hot_row SET available = available - 1 WHERE id = 1 AND available >= 1;
INSERT INTO bench_hot_ledger (quantity) VALUES (-1);
COMMIT;
"""
# The issue's targets: (figure key, ceiling key, least ratio).
TARGETS = {
    "list": 0.50,
    "detail": 0.40,
    "filtered": 0.30,
    "search": 0.20,
    "flash": 0.25,
    "live": 0.25,
}
P99_LIMIT_MS = 100.0
BUYER_P99_LIMIT_MS = 2000.0
WORKER_RSS_LIMIT_MB = 250.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the served site --------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Serve:
    """`make serve`'s processes (Procfile.serve through config.procfile) on the bench's settings."""

    def __init__(self, *, url: str, port: int, workers: int | None, pool: int, redis_db: int) -> None:
        self.url, self.port, self.workers, self.pool, self.redis_db = url, port, workers, pool, redis_db
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open for the server's whole life
            prefix="karavan-bench-serve-", suffix=".log", delete=False
        )

    def environment(self) -> dict[str, str]:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "catalog_site_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": self.url,
            "DATABASE_POOL_MAX_SIZE": str(self.pool),
            "CACHE_URL": f"redis://127.0.0.1:6379/{self.redis_db + 1}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{self.redis_db}",
            "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:6379/{self.redis_db}",
            "LIVE_EVENTS_CHANNEL_PREFIX": f"karavan-bench-{os.getpid()}",
            # Stripe, as production pays, against the local fake on loopback (nothing leaves the
            # machine): an order asks it for a PaymentIntent once its stock locks are released.
            "PAYMENT_PROVIDER": "stripe",
            "STRIPE_SECRET_KEY": "sk_test_bench",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": f"http://127.0.0.1:{self.port + 2}",
            "LOG_LEVEL": "WARNING",
            "CELERY_LOG_LEVEL": "WARNING",
            "GUNICORN_LOG_LEVEL": "info",
        }
        environment.pop("KARAVAN_TEST_CLOCK", None)
        if self.workers:
            environment["WEB_CONCURRENCY"] = str(self.workers)
        return environment

    def __enter__(self) -> Serve:
        for db in (self.redis_db, self.redis_db + 1):
            subprocess.run(["redis-cli", "-n", str(db), "FLUSHDB"], check=True, capture_output=True)
        fake = [sys.executable, "manage.py", "stripe_fake", "--port", str(self.port + 2), "--webhook-secret"]
        fake += [WEBHOOK_SECRET, "--webhook-url", f"http://127.0.0.1:{self.port}/api/v1/payments/stripe/webhook/"]
        self.stripe = subprocess.Popen(fake, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.procfile", "--procfile", "Procfile.serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180
        import urllib.request

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"make serve's processes stopped:\n{Path(self.log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/trivial/", timeout=10) as answer:
                    if answer.status == 200 and len(self.worker_pids()) >= (self.workers or 2):
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the server did not answer within 180 s; log: {self.log.name}")

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (gunicorn processes whose parent is gunicorn)."""
        if self.process is None:
            return []
        pids = process_tree(self.process.pid)
        gunicorns = {pid for pid in pids if "gunicorn" in cmdline(pid) and "/bin/sh" not in cmdline(pid)}
        workers = []
        for pid in gunicorns:
            try:
                parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent in gunicorns:
                workers.append(pid)
        return sorted(workers)

    def settle(self, *, limit: float = 60.0, window: float = 0.5, idle_share: float = 0.05) -> float:
        """Wait until the server is quiet again; the seconds waited (at most ``limit``).

        A write scenario leaves work behind: the worker sends the order e-mails and applies what
        the webhooks started. Measured during that, the next figure (the trivial view's second
        ceiling above all) would count the worker's CPU against the web server's. Quiet means: the
        broker's queue is empty and the server's processes (web workers, worker, beat) used less
        than ``idle_share`` of one core over ``window`` seconds.
        """
        started = time.monotonic()
        ticks = os.sysconf("SC_CLK_TCK")

        def cpu_seconds() -> float:
            total = 0
            for pid in process_tree(self.process.pid) if self.process is not None else []:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += int(fields[11]) + int(fields[12])  # utime + stime
            return total / ticks

        while time.monotonic() - started < limit:
            queued = subprocess.run(
                ["redis-cli", "-n", str(self.redis_db), "LLEN", "celery"], capture_output=True, text=True, check=True
            ).stdout.strip()
            before = cpu_seconds()
            time.sleep(window)
            if queued in ("", "0") and cpu_seconds() - before < idle_share * window:
                break
        return time.monotonic() - started

    def __exit__(self, *exc: object) -> None:
        self.stripe.terminate()
        self.stripe.wait(timeout=30)
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def drive(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in the load generator's own process; its JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        cwd=ROOT,
        input=json.dumps(job).encode(),
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        raise SystemExit(f"the load generator failed:\n{done.stderr.decode()[-3000:]}")
    report = json.loads(done.stdout)
    if "error" in report:
        raise SystemExit(f"warm-up failed: {report['error']}")
    return report


# --- data for the write scenarios (in this process, on the bench database) -----------------------


class Fixtures:
    """Rows the write scenarios need, created fresh for every run so that runs never share stock."""

    def __init__(self, rng: random.Random) -> None:
        from sellers.models import Seller
        from warehouses.models import Warehouse

        self.rng = rng
        self.warehouse = Warehouse.objects.get(code="ALA")
        sellers = list(Seller.objects.filter(country="KZ").order_by("pk")[:2])
        self.seller, self.other_seller = sellers[0], sellers[1]

    def buyers(self, count: int, tag: str) -> list[str]:
        users = self.buyer_users(count, tag)
        from accounts.services import api_tokens_issue_many

        return api_tokens_issue_many(users=users)

    def buyer_users(self, count: int, tag: str) -> list[Any]:
        from accounts.models import User

        User.objects.bulk_create(User(email=f"{tag}-{n}@bench.local", password="!") for n in range(count))
        return list(User.objects.filter(email__startswith=f"{tag}-").order_by("pk"))

    def hot_variant(self, stock: int, price: str = "9900.00") -> Any:
        from orders.tests.factories import variant_in_stock

        return variant_in_stock(
            seller=self.seller,
            warehouse=self.warehouse,
            quantity=stock,
            price=price,
            sku=f"HOT-{uuid.uuid4().hex[:12]}",
        )

    def flash_sale(self, *, buyers: int, stock: int, cap: int | None) -> tuple[Any, list[list[dict]], Any]:
        """A hot variant with ``stock`` units (a live offer capped at ``cap`` when given) and each
        buyer's two requests: add one unit to the cart, place the order."""
        from marketplace.tests.live_factories import offer_for, stream_for

        tag = f"flash-{uuid.uuid4().hex[:8]}"
        variant = self.hot_variant(stock)
        item: dict[str, Any] = {"variant": variant.pk, "quantity": 1}
        offer = None
        if cap is not None:
            stream = stream_for(seller=self.seller)
            offer = offer_for(stream=stream, variant=variant, price="7900.00", cap=cap, per_buyer=1)
            item["livestream"] = stream.pk
        steps = []
        for number, token in enumerate(self.buyers(buyers, tag)):
            auth = {"Authorization": f"Token {token}"}
            steps.append(
                [
                    {"method": "POST", "path": "/api/v1/cart/items/", "body": item, "headers": auth},
                    {
                        "method": "POST",
                        "path": "/api/v1/orders/",
                        "body": {"shipping_address": ADDRESS, "currency": "KZT"},
                        "headers": {**auth, "Idempotency-Key": f"{tag}-{number}"},
                    },
                ]
            )
        self.analyze()
        return variant, steps, offer

    def sold(self, variant: Any, offer: Any) -> dict[str, int]:
        from orders.models import OrderLine
        from warehouses.models import Stock

        stock = Stock.objects.get(variant=variant)
        units = sum(OrderLine.objects.filter(variant=variant).values_list("quantity", flat=True))
        limit = offer.quantity_cap if offer is not None else stock.on_hand
        if offer is not None:
            offer.refresh_from_db()
        return {
            "sold": units,
            "stock": stock.on_hand,
            "cap": offer.quantity_cap if offer is not None else 0,
            "oversold": max(0, units - limit, stock.reserved - stock.on_hand),
        }

    def quote_request(self) -> dict[str, Any]:
        """A buyer with a two-seller cart; the quote request."""
        from accounts.services import api_tokens_issue_many
        from orders.models import Cart, CartItem
        from orders.tests.factories import variant_in_stock

        (user,) = self.buyer_users(1, f"quoter-{uuid.uuid4().hex[:8]}")
        (token,) = api_tokens_issue_many(users=[user])
        cart = Cart.objects.create(user=user)
        for seller in (self.seller, self.other_seller):
            variant = variant_in_stock(
                seller=seller,
                warehouse=self.warehouse,
                quantity=1000,
                price="5000.00",
                sku=f"Q-{uuid.uuid4().hex[:12]}",
            )
            CartItem.objects.create(cart=cart, variant=variant, quantity=1)
        return {
            "method": "POST",
            "path": "/api/v1/checkout/quote/",
            "body": {"shipping_address": ADDRESS, "currency": "KZT"},
            "headers": {"Authorization": f"Token {token}"},
        }

    def webhook_requests(self, count: int) -> list[dict[str, Any]]:
        """Signed ``payment_intent.succeeded`` deliveries for ``count`` unpaid orders, each sent twice."""
        from bench_webhooks import make_orders

        from core.payments.stripe_fake import StripeFake

        fake = StripeFake(webhook_secret=WEBHOOK_SECRET)
        requests = []
        for intent, amount in make_orders(count):
            event = {
                "id": f"evt_{intent}",
                "object": "event",
                "type": "payment_intent.succeeded",
                "created": int(time.time()),
                "data": {
                    "object": {
                        "id": intent,
                        "object": "payment_intent",
                        "amount": amount,
                        "currency": "kzt",
                        "status": "succeeded",
                        "metadata": {},
                    }
                },
            }
            body = json.dumps(event)
            request = {
                "method": "POST",
                "path": "/api/v1/payments/stripe/webhook/",
                "body": body,
                "headers": {"Stripe-Signature": fake.sign(body.encode())},
            }
            requests += [request, request]  # providers deliver at least once: duplicates are normal
        self.analyze()
        return requests

    @staticmethod
    def analyze() -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def catalog_paths(rng: random.Random, quick: bool) -> dict[str, list[dict[str, Any]]]:
    from marketplace.models import Product

    count = 50 if quick else 300
    ids = list(Product.objects.filter(status="active").order_by("?").values_list("pk", flat=True)[:count])
    rng.shuffle(ids)
    get = lambda path: {"method": "GET", "path": path}  # noqa: E731
    return {
        "list": [get("/api/v1/products/")],
        "filtered": [get("/api/v1/products/?ship_to=KZ&currency=KZT")],
        "search": [get(f"/api/v1/products/?q={quote(q)}") for q in SEARCHES],
        "detail": [get(f"/api/v1/products/{pk}/?currency=KZT") for pk in ids],
    }


# --- ceilings and in-process figures ----------------------------------------------------------------


def pgbench(url: str, *, clients: int, seconds: int) -> float:
    """Transactions/s of the one-hot-row reservation (conditional UPDATE + ledger INSERT), ``clients`` at once."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_hot_row (id int PRIMARY KEY, available bigint NOT NULL)")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_hot_ledger (id bigserial PRIMARY KEY, quantity int NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now())"
        )
        connection.execute("TRUNCATE bench_hot_ledger")
        connection.execute(
            "INSERT INTO bench_hot_row VALUES (1, 1000000000) ON CONFLICT (id) DO UPDATE SET available = 1000000000"
        )
    parts = urlsplit(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    command = ["pgbench", "-n", "-f", script.name, "-c", str(clients), "-j", "2", "-T", str(seconds)]
    command += ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    done = subprocess.run([*command, parts.path.lstrip("/")], capture_output=True, text=True)
    os.unlink(script.name)
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout) or re.search(
        r"tps = ([\d.]+)", done.stdout
    )
    if not found:
        raise SystemExit(f"pgbench failed:\n{done.stdout}\n{done.stderr}")
    return float(found.group(1))


def python_ceiling(seconds: float = 1.0) -> float:
    """Operations/s of one Python process on a fixed small job (a JSON round trip): the CPU ceiling of
    in-process figures, measured in the same run so that they compare across machines."""
    document = {"sku": "KRV-1", "quantity": 3, "price": {"amount": "100.00", "currency": "KZT"}, "tags": list(range(8))}
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(200):
            json.loads(json.dumps(document))
        done += 200
    return done / (time.perf_counter() - started)


def fulfilment_quotes(count: int, rng: random.Random) -> dict[str, float]:
    from bench_fulfilment import load_seed_network, measure, random_requests

    network = load_seed_network()
    figures = measure(network, random_requests(network, count, rng, routable_only=True))
    return {"rps": figures["per_second"], "p50_ms": figures["p50_ms"], "p99_ms": figures["p99_ms"]}


def csv_import(url: str, rows: int, redis_db: int) -> dict[str, float]:
    """The import worker's job in a process of its own (as the Celery task runs it): rows/s and its peak RSS.

    Tasks the import queues (image processing, price refreshes...) go to the broker, as in a worker,
    rather than running eagerly inside it: the figures are the import's own.
    """
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_worker", str(rows)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "False",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:6379/{redis_db}",
            "CACHE_URL": f"redis://127.0.0.1:6379/{redis_db + 1}",
            "KARAVAN_VAR_DIR": tempfile.mkdtemp(prefix="karavan-bench-import-"),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the import worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def embedded_burst(*, buyers: int, stock: int, port: int) -> dict[str, Any]:
    """`make run`'s web server (the Procfile's web line) on the embedded SQLite default in a temp
    folder, and ``buyers`` buyers placing their order at once."""
    folder = Path(tempfile.mkdtemp(prefix="karavan-bench-run-"))
    (folder / "log").mkdir()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        KARAVAN_VAR_DIR=str(folder),
        DJANGO_DEBUG="False",
        PYTHONPATH=str(ROOT),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    for arguments in (["manage.py", "migrate", "--noinput", "-v", "0"], ["manage.py", "broker_prepare"]):
        subprocess.run([sys.executable, *arguments], cwd=ROOT, env=environment, check=True, capture_output=True)
    scenario = subprocess.run(
        [sys.executable, "-m", "demo.tests.burst_scenario", str(buyers), str(stock)],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    tokens = json.loads(scenario.stdout.strip().splitlines()[-1])["buyers"]
    with (folder / "log" / "web.log").open("w") as output:
        runner = subprocess.Popen(
            [sys.executable, "-m", "config.procfile", "web", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        import urllib.request

        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or runner.poll() is not None:
                    raise SystemExit(f"make run's server did not start: {folder / 'log' / 'web.log'}") from None
                time.sleep(0.5)
        body = {"shipping_address": ADDRESS, "currency": "KZT"}
        steps = [
            [{"method": "POST", "path": "/api/v1/orders/", "body": body, "headers": {"Authorization": f"Token {t}"}}]
            for t in tokens
        ]
        report = drive({"kind": "buyers", "port": port, "buyers": steps, "timeout": 120})
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=60)
    web_log = (folder / "log" / "web.log").read_text(errors="replace")
    report["database_locked"] = web_log.count("database is locked")
    report["stock"] = stock
    return report


# --- one run --------------------------------------------------------------------------------------


def one_run(args: argparse.Namespace, server: Serve, fixtures: Fixtures, paths: dict[str, list[dict]]) -> dict:
    figures: dict[str, Any] = {}
    load = {"kind": "requests", "port": server.port, "concurrency": args.concurrency, "connections": args.connections}
    load.update(limit=args.requests, seconds=args.seconds)

    def measure(name: str, requests: list[dict[str, Any]], **overrides: Any) -> None:
        server.settle()  # each figure on a quiet server, not on the last scenario's leftovers
        report = drive({**load, "requests": requests, **overrides})
        figures[name] = report
        log(
            f"  {name:10} {report['rps']:8.1f} req/s  p50 {report['p50_ms']:7.1f} ms  p99 {report['p99_ms']:7.1f} ms"
            f"  statuses {report['statuses']}"
        )

    measure(TRIVIAL, [{"method": "GET", "path": "/bench/trivial/"}])
    for name, requests in paths.items():
        measure(name, requests)

    for name, cap in (("flash", None), ("live", args.live_cap)):
        variant, steps, offer = fixtures.flash_sale(buyers=args.buyers, stock=args.stock, cap=cap)
        server.settle()
        report = drive(
            {"kind": "buyers", "port": server.port, "buyers": steps, "timeout": 120, "connections": args.connections}
        )
        report.update(fixtures.sold(variant, offer))
        figures[name] = report
        log(
            f"  {name:10} {report['orders_per_s']:8.1f} orders/s p50 {report['p50_ms']:7.0f} ms  p99 "
            f"{report['p99_ms']:7.0f} ms  sold {report['sold']} of {report['cap'] or report['stock']}, "
            f"oversold {report['oversold']}, statuses {report['statuses']}"
        )

    measure("quote", [fixtures.quote_request()], concurrency=min(args.concurrency, 8))
    webhooks = fixtures.webhook_requests(args.webhooks)
    measure("webhooks", webhooks, limit=len(webhooks), no_warmup=True, concurrency=min(args.concurrency, 8))
    measure(f"{TRIVIAL} again", [{"method": "GET", "path": "/bench/trivial/"}])

    figures["pgbench"] = {"tps": pgbench(args.database_url, clients=args.pg_clients, seconds=args.pg_seconds)}
    log(f"  pgbench    {figures['pgbench']['tps']:8.1f} hot-row transactions/s ({args.pg_clients} clients)")
    figures["fulfilment"] = fulfilment_quotes(args.quotes, fixtures.rng)
    figures["python"] = {"ops": python_ceiling()}
    log(
        f"  fulfilment {figures['fulfilment']['rps']:8.0f} quotes/s; "
        f"python ceiling {figures['python']['ops']:,.0f} ops/s"
    )
    return figures


def flatten(run: dict[str, Any]) -> dict[str, Any]:
    """One run's figures as flat keys (``list.rps``...), with the per-run ratios to the ceilings."""
    flat: dict[str, Any] = {}
    for scenario, report in run.items():
        for key, value in report.items():
            if not isinstance(value, dict):
                flat[f"{scenario}.{key}"] = value
    trivial = (run[TRIVIAL]["rps"] + run[f"{TRIVIAL} again"]["rps"]) / 2
    flat["ceiling.trivial_rps"] = trivial
    for name in ("list", "filtered", "search", "detail", "quote", "webhooks"):
        flat[f"{name}.ratio"] = ratio(run[name]["rps"], trivial)
    for name in ("flash", "live"):
        flat[f"{name}.ratio"] = ratio(run[name]["orders_per_s"], run["pgbench"]["tps"])
    # What a flash sale could reach at best on this server: each buyer makes two requests (add to
    # the cart, place the order), so even if each cost no more than the trivial view, orders/s
    # could not exceed half the trivial view's requests/s.
    flat["flash.bound_ratio"] = ratio(trivial / 2, run["pgbench"]["tps"])
    flat["fulfilment.ratio"] = ratio(run["fulfilment"]["rps"], run["python"]["ops"])
    return flat


def rows_from(medians: dict[str, Any], once: dict[str, Any]) -> list[Row]:
    m = medians
    rows = [
        Row(
            "ceiling: trivial JSON view",
            m["ceiling.trivial_rps"],
            "req/s",
            p50_ms=m[f"{TRIVIAL}.p50_ms"],
            p99_ms=m[f"{TRIVIAL}.p99_ms"],
            note="same server setup, first+last; its p99 (first) bounds the catalog's",
        ),
        Row("ceiling: pgbench hot-row reservation", m["pgbench.tps"], "tx/s", note="same PostgreSQL"),
        Row("ceiling: python (JSON round trips)", m["python.ops"], "ops/s", note="in-process figures' ceiling"),
    ]
    labels = {
        "list": "product list page 1",
        "filtered": "list ship_to=KZ&currency=KZT",
        "search": "full-text search (4 queries)",
        "detail": "product detail (KZT)",
        "quote": "checkout quote, two-seller cart",
        "webhooks": "webhooks (signed, each twice)",
    }
    for name, label in labels.items():
        note = ""
        if name in ("list", "filtered", "search", "detail"):
            note = f"p99 {'ok' if m[f'{name}.p99_ms'] < P99_LIMIT_MS else 'ABOVE'} (< {P99_LIMIT_MS:.0f} ms)"
        if m.get(f"{name}.errors"):
            note += f"; {m[f'{name}.errors']:.0f} non-2xx"
        rows.append(
            Row(
                label,
                m[f"{name}.rps"],
                "req/s",
                "trivial",
                m[f"{name}.ratio"],
                TARGETS.get(name),
                m[f"{name}.p50_ms"],
                m[f"{name}.p99_ms"],
                note.strip("; "),
            )
        )
    for name, label in (("flash", "flash sale: hot SKU"), ("live", "flash sale: live offer (cap)")):
        limit = "cap" if name == "live" else "stock"
        note = (
            f"sold {m[f'{name}.sold']:.0f}/{m[f'{name}.{limit}']:.0f} {limit}, oversold {m[f'{name}.oversold']:.0f}, "
            f"5xx {m[f'{name}.server_errors']:.0f}, no answer {m[f'{name}.no_answer']:.0f}; buyer p99 "
            f"{'ok' if m[f'{name}.p99_ms'] < BUYER_P99_LIMIT_MS else 'ABOVE'} (< 2 s); "
            f"bound (2 trivial requests per order) {m['flash.bound_ratio']:.1%}"
        )
        rows.append(
            Row(
                label,
                m[f"{name}.orders_per_s"],
                "orders/s",
                "pgbench",
                m[f"{name}.ratio"],
                TARGETS[name],
                m[f"{name}.p50_ms"],
                m[f"{name}.p99_ms"],
                note,
            )
        )
    rows.append(
        Row(
            "fulfilment quotes (in-process)",
            m["fulfilment.rps"],
            "quotes/s",
            "python",
            m["fulfilment.ratio"],
            None,
            m["fulfilment.p50_ms"],
            m["fulfilment.p99_ms"],
        )
    )
    if "import" in once:
        figures = once["import"]
        rows.append(
            Row(
                "CSV import (first import)",
                figures["rows_per_s"],
                "rows/s",
                "python",
                ratio(figures["rows_per_s"], m["python.ops"]),
                note=f"{figures['rows']:,} rows once; worker peak RSS {figures['peak_mb']:.0f} MB",
            )
        )
    if "embedded" in once:
        burst = once["embedded"]
        answered = burst["buyers"] - burst["no_answer"]
        rows.append(
            Row(
                "make run burst (embedded SQLite)",
                answered,
                "answered",
                "buyers",
                ratio(answered, burst["buyers"]),
                1.0,
                burst["p50_ms"],
                burst["p99_ms"],
                f"once; statuses {burst['statuses']}, 'database is locked' {burst['database_locked']}",
            )
        )
    if once.get("memory"):
        worst = max(once["memory"])
        rows.append(
            Row(
                "web worker RSS after the run (max)",
                worst,
                "MB",
                note=f"{'ok' if worst <= WORKER_RSS_LIMIT_MB else 'ABOVE'} (<= {WORKER_RSS_LIMIT_MB:.0f} MB); "
                f"each: {', '.join(f'{value:.0f}' for value in once['memory'])}",
            )
        )
    return rows


# --- main -------------------------------------------------------------------------------------------


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: small data, one short run, no make run burst"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--products", type=int, default=None, help="default 100,000 (quick 3,000)")
    parser.add_argument("--sellers", type=int, default=None, help="default 200 (quick 20)")
    parser.add_argument("--runs", type=int, default=None, help="default 3 (quick 1); the table shows medians")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (catalog, ceiling)")
    parser.add_argument(
        "--connections",
        choices=("keep-alive", "per-request"),
        default="keep-alive",
        help="each client in flight keeps its connection (default, as wrk -c does), or a new one per request",
    )
    parser.add_argument("--requests", type=int, default=None, help="at most this many per scenario (default 3000)")
    parser.add_argument("--seconds", type=float, default=None, help="at most this long per scenario (default 10)")
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--live-cap", type=int, default=60, help="the live offer's cap (below --stock)")
    parser.add_argument("--webhooks", type=int, default=None, help="events per run (default 300, quick 40)")
    parser.add_argument("--quotes", type=int, default=None, help="fulfilment quotes per run (default 3000)")
    parser.add_argument("--import-rows", type=int, default=None, help="CSV rows imported once (default 20,000)")
    parser.add_argument("--embedded-buyers", type=int, default=100)
    parser.add_argument("--no-embedded", action="store_true", help="skip the make run burst (slow: migrates SQLite)")
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY (default: config/gunicorn.py's)")
    parser.add_argument("--pool", type=int, default=8, help="DATABASE_POOL_MAX_SIZE per web worker")
    parser.add_argument("--pg-clients", type=int, default=32)
    parser.add_argument("--pg-seconds", type=int, default=None, help="default 10 (quick 3)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8150")))
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("BENCH_REDIS_DB", "10")))
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "products": (100_000, 3_000),
        "sellers": (200, 20),
        "runs": (3, 1),
        "requests": (3000, 300),
        "seconds": (10.0, 3.0),
        "webhooks": (300, 40),
        "quotes": (3000, 300),
        "import_rows": (20_000, 1_000),
        "pg_seconds": (10, 3),
    }
    for name, (full, small) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    if quick:
        args.no_embedded = True
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    from bench_catalog import database_prepare, django_setup, seed

    started = time.perf_counter()
    rng = random.Random(args.seed)
    log(f"database {args.database_url}")
    fresh = database_prepare(args.database_url, reuse=args.reuse)
    django_setup(args.database_url)
    if fresh:
        log(f"seeding {args.products:,} products across {args.sellers} sellers (three languages, ten warehouses)")
        timings = seed(products=args.products, sellers=args.sellers, rng=rng)
        log("seeded: " + ", ".join(f"{name} {value:.1f} s" for name, value in timings.items()))
    fixtures = Fixtures(rng)
    paths = catalog_paths(rng, args.quick)
    from django.db import connections

    connections.close_all()

    runs: list[dict[str, Any]] = []
    once: dict[str, Any] = {}
    log(f"starting make serve's processes on 127.0.0.1:{args.port} (pool {args.pool} per worker)")
    with Serve(
        url=args.database_url, port=args.port, workers=args.workers, pool=args.pool, redis_db=args.redis_db
    ) as server:
        log(f"{len(server.worker_pids())} web workers; server log {server.log.name}")
        for number in range(1, args.runs + 1):
            log(f"run {number} of {args.runs}")
            runs.append(one_run(args, server, fixtures, paths))
            connections.close_all()
        once["memory"] = [round(rss_mb(pid), 1) for pid in server.worker_pids()]
    log(f"web workers' resident memory after the run: {once['memory']} MB")

    log(f"CSV import: {args.import_rows:,} rows in a worker process of its own")
    once["import"] = csv_import(args.database_url, args.import_rows, args.redis_db)
    log(f"  {once['import']['rows_per_s']:,.0f} rows/s, peak RSS {once['import']['peak_mb']:.0f} MB")
    if not args.no_embedded:
        log(f"make run burst: {args.embedded_buyers} buyers against the embedded default (migrating SQLite first)")
        once["embedded"] = embedded_burst(
            buyers=args.embedded_buyers, stock=args.embedded_buyers // 2, port=args.port + 1
        )
        log(f"  statuses {once['embedded']['statuses']}")

    flat_runs = [flatten(run) for run in runs]
    medians = median_of_runs(flat_runs)
    rows = rows_from(medians, once)
    print()
    print(
        f"Karavan bench: {args.products:,} products, {args.sellers} sellers; median of {args.runs} run(s); "
        f"{args.concurrency} connections ({args.connections}), <= {args.requests} requests / {args.seconds:g} s "
        "per scenario; "
        f"{len(once['memory'])} web workers (uvicorn), pool {args.pool}; "
        f"flash: {args.buyers} buyers, stock {args.stock}, "
        f"live cap {args.live_cap}"
    )
    print(table(rows))
    parameters = {key: (str(value) if isinstance(value, Path) else value) for key, value in vars(args).items()}
    document = result_document(
        rows, parameters=parameters, runs={"per_run": flat_runs, "medians": medians}, extra={"once": once}
    )
    path = result_write(document, args.results)
    print(f"\nresult file: {path}  ({time.perf_counter() - started:.0f} s in all)")
    failed = [row.name for row in rows if "oversold" in row.note and not re.search(r"oversold 0,", row.note)]
    return 1 if failed else 0
