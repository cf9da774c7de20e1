"""Benchmark checkout on PostgreSQL: quote latency, and order placement under a flash sale over HTTP.

Run from the repository root: `python bench/bench_orders.py [--buyers 400] [--stock 100] [--threads 32]`.
Uses its own database (default ``karavan_bench_orders`` on the local PostgreSQL; override with
``--database-url``), created and migrated here. Each buyer is its own request and transaction
through the real API (``APIClient``), each thread with its own connection. Prints quotes per
second, placements per second, latency percentiles and oversold units (must be 0; exits non-zero
otherwise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_orders"
ADDRESS = {
    "recipient": "Bench Buyer",
    "phone": "+7 701 234 5678",
    "country": "KZ",
    "city": "Almaty",
    "postal_code": "050000",
    "line1": "Abay Ave 10",
}


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--buyers", type=int, default=400)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--quotes", type=int, default=50)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.services import api_tokens_issue_many
    from core.services import exchange_rates_seed_offline
    from orders.models import Cart, CartItem, Order
    from orders.tests.factories import market_build, variant_in_stock
    from warehouses.models import Stock
    from warehouses.transport.services import network_load_seed

    exchange_rates_seed_offline()
    network_load_seed()
    run = uuid.uuid4().hex[:8]
    market = market_build()
    hot = variant_in_stock(seller=market.seller_a, warehouse=market.lianyungang, quantity=args.stock, price="99.00")

    # Quote latency: a four-line cart from two sellers at two warehouses (four parcels).
    quoter = User.objects.create_user(email=f"quoter.{run}@bench.local", password="!")
    cart = Cart.objects.create(user=quoter)
    for variant in (market.a_urc, market.a_lyg, market.b_urc, market.b_lyg):
        CartItem.objects.create(cart=cart, variant=variant, quantity=1)
    client = APIClient()
    client.force_authenticate(quoter)
    timings = []
    for _ in range(args.quotes):
        started = perf_counter()
        response = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": ADDRESS, "currency": "KZT"}, format="json"
        )
        timings.append(perf_counter() - started)
        assert response.status_code == 200, response.data
    print(
        f"quote (4 lines, 4 parcels): {len(timings) / sum(timings):.1f}/s, "
        f"p50 {statistics.median(timings) * 1000:.1f} ms, p95 {percentile(timings, 0.95) * 1000:.1f} ms"
    )

    # Flash sale: every buyer wants one unit of the hot SKU.
    users = User.objects.bulk_create(User(email=f"b{n}-{run}@bench.local", password="!") for n in range(args.buyers))
    users = list(User.objects.filter(email__endswith=f"-{run}@bench.local").order_by("pk"))
    tokens = api_tokens_issue_many(users=users)
    carts = Cart.objects.bulk_create(Cart(user=user) for user in users)
    CartItem.objects.bulk_create(CartItem(cart=c, variant=hot, quantity=1) for c in carts)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics for the rows just loaded (autovacuum may be off)

    def place(token: str) -> tuple[int, float]:
        try:
            api = APIClient()
            api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            started = perf_counter()
            response = api.post(
                "/api/v1/orders/",
                {"shipping_address": ADDRESS, "currency": "KZT"},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"bench-{run}",
            )
            return response.status_code, perf_counter() - started
        finally:
            connection.close()

    started = perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        results = list(pool.map(place, tokens))
    elapsed = perf_counter() - started
    created = [t for status, t in results if status == 201]
    refused = [t for status, t in results if status == 409]
    others = [status for status, _ in results if status not in (201, 409)]
    stock = Stock.objects.get(variant=hot)
    oversold = max(0, stock.reserved - stock.on_hand)
    orders = Order.objects.filter(lines__variant=hot).count()
    print(
        f"flash sale: {args.buyers} buyers, {args.stock} units, {args.threads} threads: {elapsed:.2f} s, "
        f"{len(results) / elapsed:.1f} requests/s"
    )
    print(
        f"  201: {len(created)} (p50 {statistics.median(created or [0]) * 1000:.0f} ms, "
        f"p95 {percentile(created, 0.95) * 1000:.0f} ms); 409: {len(refused)} "
        f"(p50 {statistics.median(refused or [0]) * 1000:.0f} ms); other: {len(others)}"
    )
    print(f"  stock on hand {stock.on_hand}, reserved {stock.reserved}, orders {orders}, oversold {oversold}")
    return 0 if oversold == 0 and not others and orders == min(args.stock, args.buyers) else 1


if __name__ == "__main__":
    raise SystemExit(main())
