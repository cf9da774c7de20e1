"""Benchmark live selling: 1,000 open event streams beside the product list, then a live-offer flash sale.

Run from the repository root: `python bench/bench_live.py [--streams 1000] [--workers 2]`.

Part 1 starts the production server setup (`gunicorn config.asgi:application -k
uvicorn_worker.UvicornWorker`, production settings, PostgreSQL, live events on Redis) on a free
loopback port, measures the product list's requests/s with no event stream open, then opens
``--streams`` server-sent event streams, measures the product list again while events are
published, and times how long one event takes to reach every open stream. Part 2 is the live-offer
flash sale: ``--buyers`` buyers each place an order for one unit of a live offer whose cap is below
the stock, through the API in ``--threads`` threads; it must sell exactly the cap (exits non-zero
otherwise). Uses its own database (``karavan_bench_live``) and Redis database ``--redis-url``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_orders import ADDRESS, ensure_database, percentile, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_live"


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def threads_of(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


async def load(port: int, path: str, *, connections: int, seconds: float) -> tuple[int, list[float], int]:
    """Keep-alive GETs from ``connections`` clients for ``seconds``: (responses, latencies, errors)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < deadline:
                started = perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                if not head.startswith(b"HTTP/1.1 200"):
                    errors += 1
                latencies.append(perf_counter() - started)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return len(latencies), latencies, errors


def load_in_process(port: int, path: str, connections: int, seconds: float) -> tuple[int, list[float], int]:
    """``load`` in a process of its own, so the viewers' event loop does not slow the measuring client."""
    return asyncio.run(load(port, path, connections=connections, seconds=seconds))


def measure(port: int, path: str, connections: int, seconds: float) -> tuple[int, list[float], int]:
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(load_in_process, (port, path, connections, seconds))


class Viewers:
    """``count`` open SSE connections; records when each one receives an event with a given id."""

    def __init__(self, port: int, path: str, count: int) -> None:
        self.port, self.path, self.count = port, path, count
        self.received: dict[str, list[float]] = {}
        self.writers: list[asyncio.StreamWriter] = []
        self.listeners: list[asyncio.Future] = []
        self.refused = 0

    async def open(self) -> None:
        ready = asyncio.Semaphore(200)  # open them 200 at a time, as a crowd arriving

        async def one() -> None:
            async with ready:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(
                    f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
                )
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith(b"HTTP/1.1 200"):
                    self.refused += 1
                    writer.close()
                    return
                self.writers.append(writer)
                await reader.readuntil(b"\n\n")  # the retry preamble: subscribed from here on
            self.listeners.append(asyncio.ensure_future(self._listen(reader)))

        await asyncio.gather(*(one() for _ in range(self.count)))

    async def _listen(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                frame = await reader.readuntil(b"\n\n")
                for line in frame.split(b"\n"):
                    # Chunk-size lines of the chunked encoding sit between frames, never inside one.
                    if line.startswith(b"id: "):
                        self.received.setdefault(line[4:].decode(), []).append(perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for listener in self.listeners:
            listener.cancel()


def start_server(args: argparse.Namespace, prefix: str) -> tuple[subprocess.Popen, int, socket.socket]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": f"bench-only-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": args.database_url,
        "CACHE_URL": args.cache_url,
        "CELERY_BROKER_URL": "",
        "LIVE_EVENTS_REDIS_URL": args.redis_url,
        "LIVE_EVENTS_CHANNEL_PREFIX": prefix,
        "LIVE_EVENTS_MAX_STREAMS_PER_PROCESS": str(args.max_streams),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.asgi:application",
        "-k",
        "uvicorn_worker.UvicornWorker",
        "-w",
        str(args.workers),
        "--bind",
        f"fd://{listener.fileno()}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, pass_fds=[listener.fileno()])
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)
    return process, port, listener


def part_streams(args: argparse.Namespace, stream_id: int) -> dict[str, str]:
    from marketplace.live_events.redis_bus import RedisBus

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    process, port, listener = start_server(args, prefix)
    bus = RedisBus(url=args.redis_url, prefix=prefix, replay=500)
    figures: dict[str, str] = {}
    try:
        products = "/api/v1/products/?page_size=20"
        measure(port, products, 4, 2)  # warm up every worker
        count, latencies, errors = measure(port, products, args.concurrency, args.seconds)
        figures["product list, no streams open"] = (
            f"{count / args.seconds:.0f} req/s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, errors {errors}"
        )
        workers = children(process.pid)
        before = {pid: rss_mib(pid) for pid in workers}

        async def with_streams() -> None:
            viewers = Viewers(port, f"/api/v1/livestreams/{stream_id}/events/", args.streams)
            started = perf_counter()
            await viewers.open()
            opened = perf_counter() - started
            figures["open event streams"] = (
                f"{len(viewers.writers)} open in {opened:.1f} s, {viewers.refused} refused (503)"
            )
            after = {pid: rss_mib(pid) for pid in workers}
            per_stream = (sum(after.values()) - sum(before.values())) * 1024 / max(len(viewers.writers), 1)
            figures["worker memory"] = (
                f"{sum(before.values()):.0f} MiB before, {sum(after.values()):.0f} MiB with the streams "
                f"(~{per_stream:.0f} KiB per stream), threads per worker {[threads_of(pid) for pid in workers]}"
            )

            count, latencies, errors = await asyncio.get_running_loop().run_in_executor(
                None, measure, port, products, args.concurrency, args.seconds
            )
            figures[f"product list, {len(viewers.writers)} quiet streams open"] = (
                f"{count / args.seconds:.0f} req/s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, errors {errors}"
            )

            stop = threading.Event()
            delivery: list[float] = []
            sent: dict[str, float] = {}

            def publisher() -> None:  # an offer event every 0.5 s while the list is loaded
                remaining = 10_000
                while not stop.is_set():
                    remaining -= 1
                    sent_at = perf_counter()
                    event = bus.publish(stream_id=stream_id, type="offer", data={"remaining": remaining})
                    sent[str(event.id)] = sent_at
                    stop.wait(0.5)

            thread = threading.Thread(target=publisher)
            thread.start()
            count, latencies, errors = await asyncio.get_running_loop().run_in_executor(
                None, measure, port, products, args.concurrency, args.seconds
            )
            stop.set()
            thread.join()
            await asyncio.sleep(2)  # let the last events arrive
            figures[f"product list, {len(viewers.writers)} streams + 2 events/s to each"] = (
                f"{count / args.seconds:.0f} req/s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, errors {errors}"
            )
            complete = 0
            for event_id, sent_at in sent.items():
                arrivals = viewers.received.get(event_id, [])
                if len(arrivals) == len(viewers.writers):
                    complete += 1
                    delivery.append(max(arrivals) - sent_at)
            figures["event fan-out to every stream"] = (
                f"{complete}/{len(sent)} events reached all {len(viewers.writers)} streams; "
                f"last stream p50 {statistics.median(delivery or [0]) * 1000:.0f} ms, "
                f"max {max(delivery or [0]) * 1000:.0f} ms"
            )
            viewers.close()

        asyncio.run(with_streams())
    finally:
        process.terminate()
        process.wait(timeout=30)
        listener.close()
    return figures


def part_flash_sale(args: argparse.Namespace) -> tuple[dict[str, str], bool]:
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.services import api_tokens_issue_many
    from marketplace.models import LiveOffer
    from marketplace.tests.live_factories import offer_for, stream_for
    from orders.models import Cart, CartItem, Order
    from orders.tests.factories import market_build, variant_in_stock
    from warehouses.models import Stock

    run = uuid.uuid4().hex[:8]
    market = market_build()
    hot = variant_in_stock(seller=market.seller_a, warehouse=market.lianyungang, quantity=args.stock, price="199.00")
    stream = stream_for(seller=market.seller_a)
    offer = offer_for(stream=stream, variant=hot, price="99.00", cap=args.cap, per_buyer=1)
    User.objects.bulk_create(User(email=f"v{n}-{run}@bench.local", password="!") for n in range(args.buyers))
    users = list(User.objects.filter(email__endswith=f"-{run}@bench.local").order_by("pk"))
    tokens = api_tokens_issue_many(users=users)
    carts = Cart.objects.bulk_create(Cart(user=user) for user in users)
    CartItem.objects.bulk_create(CartItem(cart=c, variant=hot, quantity=1, livestream=stream.pk) for c in carts)

    def place(token: str) -> tuple[int, float, str]:
        try:
            api = APIClient()
            api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            started = perf_counter()
            response = api.post(
                "/api/v1/orders/",
                {"shipping_address": ADDRESS, "currency": "KZT"},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"live-{run}",
            )
            return response.status_code, perf_counter() - started, response.data.get("code", "")
        finally:
            connection.close()

    started = perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        results = list(pool.map(place, tokens))
    elapsed = perf_counter() - started
    created = [t for status, t, _ in results if status == 201]
    refused = [t for status, t, code in results if status == 409 and code == "live_offer_sold_out"]
    others = [(status, code) for status, _, code in results if status not in (201, 409)]
    offer.refresh_from_db()
    stock = Stock.objects.get(variant=hot)
    orders = Order.objects.filter(lines__variant=hot).count()
    ok = (
        offer.sold == min(args.cap, args.buyers) == len(created) == orders == stock.reserved
        and not others
        and LiveOffer.objects.filter(pk=offer.pk, sold__gt=args.cap).count() == 0
    )
    figures = {
        "live flash sale": (
            f"{args.buyers} buyers, cap {args.cap} below stock {args.stock}, {args.threads} threads: "
            f"{elapsed:.2f} s, {len(results) / elapsed:.0f} requests/s"
        ),
        "  outcome": (
            f"201: {len(created)} (p50 {statistics.median(created or [0]) * 1000:.0f} ms, "
            f"p95 {percentile(created, 0.95) * 1000:.0f} ms); 409 sold out: {len(refused)} "
            f"(p50 {statistics.median(refused or [0]) * 1000:.0f} ms); other: {len(others)}"
        ),
        "  counters": (
            f"offer sold {offer.sold}/{offer.quantity_cap}, stock reserved {stock.reserved}/{stock.on_hand}, "
            f"orders {orders}, oversold {max(0, offer.sold - offer.quantity_cap)}"
        ),
    }
    return figures, ok


def part_followers(args: argparse.Namespace) -> dict[str, str]:
    """Start a stream whose seller has ``--followers`` followers: the request only enqueues the fan-out."""
    import redis
    from django.contrib.auth.hashers import make_password
    from django.core import mail
    from rest_framework.test import APIClient

    from accounts.models import Notification, User
    from config.celery import app as celery_app
    from marketplace.services.livestream_notifications import follower_batches, livestream_followers_notify_batch
    from marketplace.tests.factories import SellerFactory
    from marketplace.tests.live_factories import stream_for
    from sellers.models import MemberRole, SellerFollower, SellerMember

    run = uuid.uuid4().hex[:8]
    seller = SellerFactory(display_name=f"Followed {run}")
    owner = User.objects.create(email=f"owner-{run}@bench.local", password=make_password(None))
    SellerMember.objects.create(seller=seller, user=owner, role=MemberRole.OWNER)
    languages = ["ru", "zh-hans", "en", "kk", "uz"]
    started = perf_counter()
    for offset in range(0, args.followers, 10_000):
        users = User.objects.bulk_create(
            User(email=f"f{n}-{run}@bench.local", password="!", preferred_language=languages[n % 5])
            for n in range(offset, min(offset + 10_000, args.followers))
        )
        SellerFollower.objects.bulk_create(SellerFollower(seller=seller, user=user) for user in users)
    setup = perf_counter() - started
    stream = stream_for(seller=seller, status="scheduled")

    # The request, with a real broker: on commit it enqueues one task and returns.
    queue = f"bench-live-{run}"
    celery_app.conf.broker_url = args.redis_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    client = APIClient()
    client.force_authenticate(owner)
    started = perf_counter()
    response = client.post(f"/api/v1/seller/livestreams/{stream.pk}/start/")
    request_ms = (perf_counter() - started) * 1000
    assert response.status_code == 200, response.data
    redis.Redis.from_url(args.redis_url).delete(queue)  # no worker here: the batches run below
    celery_app.conf.task_always_eager = True

    # What the workers then do, batch by batch (here in one process, emails to memory).
    started = perf_counter()
    batches = follower_batches(seller_id=seller.pk, batch_size=1000)
    cut = perf_counter() - started
    mail.outbox = []
    timings = []
    for after, upto in batches[: args.fanout_batches]:
        one = perf_counter()
        livestream_followers_notify_batch(stream_id=stream.pk, kind="started", after=after, upto=upto)
        timings.append(perf_counter() - one)
    rows = Notification.objects.filter(dedupe_key=f"livestream:{stream.pk}:started").count()
    per_batch = statistics.median(timings)
    return {
        "follower fan-out": (
            f"{args.followers} followers (set up in {setup:.0f} s): the start request took {request_ms:.0f} ms "
            f"(it enqueues one task); cutting them into {len(batches)} batches took {cut * 1000:.0f} ms"
        ),
        "  batches": (
            f"{len(timings)} of {len(batches)} run here: p50 {per_batch * 1000:.0f} ms a batch of 1000 "
            f"({rows} notifications, {len(getattr(mail, 'outbox', []))} emails built), so one worker process "
            f"would take ~{per_batch * len(batches) / 60:.1f} min for all, spread over the workers there are"
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--max-streams", type=int, default=2000, help="LIVE_EVENTS_MAX_STREAMS_PER_PROCESS")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--cap", type=int, default=100)
    parser.add_argument("--stock", type=int, default=500)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--fanout-batches", type=int, default=10, help="how many fan-out batches to run and time")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.streams + 1024)), hard))
    os.environ["LIVE_EVENTS_REDIS_URL"] = args.redis_url
    os.environ.setdefault("LOG_LEVEL", "ERROR")  # 409s of the flash sale are expected, not news
    ensure_database(args.database_url)
    setup_django(args.database_url)
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the flash sale's 409s are expected

    from core.services import exchange_rates_seed_offline
    from marketplace.models import Product
    from marketplace.tests.factories import ProductFactory, SellerFactory, VariantFactory
    from marketplace.tests.live_factories import stream_for
    from warehouses.transport.services import network_load_seed

    exchange_rates_seed_offline()
    network_load_seed()
    seller = SellerFactory(display_name=f"Bench {uuid.uuid4().hex[:6]}")
    missing = max(0, args.products - Product.objects.filter(status="active").count())
    for _ in range(missing):
        VariantFactory(product=ProductFactory(seller=seller))
    stream = stream_for(seller=seller)

    figures = part_streams(args, stream.pk)
    sale, ok = part_flash_sale(args)
    figures.update(sale)
    if args.followers:
        figures.update(part_followers(args))
    width = max(len(name) for name in figures)
    print(f"\nlive selling benchmark ({args.workers} uvicorn workers under gunicorn, {os.cpu_count()} CPUs)")
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
