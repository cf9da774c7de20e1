"""Benchmark Stripe webhooks on PostgreSQL: signed ``payment_intent.succeeded`` events per second, end to end.

Run from the repository root: `python bench/bench_webhooks.py [--orders 300] [--threads 8] [--duplicates 2]`.
Uses its own database (default ``karavan_bench_webhooks`` on the local PostgreSQL; override with
``--database-url``), created and migrated here. Each event is posted through the real view
(signature check on the raw body, inbox row) and applied by the task (eager, in the request
thread: the worst case for latency), each delivered ``--duplicates`` times concurrently. Prints
events per second, latency percentiles, and how many orders were paid more than once (must be 0;
exits non-zero otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/karavan_bench_webhooks"
SECRET = "whsec_bench"


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
    os.environ.update(PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_bench", STRIPE_WEBHOOK_SECRET=SECRET)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def make_orders(count: int) -> list[tuple[str, int]]:
    """Unpaid orders with an open Stripe payment each; returns (intent id, amount in minor units)."""
    from django.utils import timezone

    from accounts.models import User
    from core.money import Money, to_minor_units
    from orders.models import Order, Payment, SellerOrder
    from sellers.tests.factories import SellerFactory

    run = uuid.uuid4().hex[:8]
    buyer = User.objects.create_user(email=f"bench-{run}@example.com", password="bench-Password-1")
    seller = SellerFactory()
    now = timezone.now()
    intents = []
    for index in range(count):
        total = Money(f"{1000 + index}.50", "KZT")
        order = Order.objects.create(
            number=f"KRV-BENCH-{run}-{index:05d}",
            buyer=buyer,
            currency="KZT",
            shipping_address={},
            destination_country="KZ",
            subtotal=total,
            shipping_total=Money(0, "KZT"),
            duties_total=Money(0, "KZT"),
            total=total,
            reserved_until=now + timedelta(hours=1),
            placed_at=now,
        )
        SellerOrder.objects.create(
            order=order,
            seller=seller,
            subtotal=total,
            subtotal_seller=total,
            shipping_total=Money(0, "KZT"),
            commission_percent=8,
        )
        intent = f"pi_bench_{run}_{index:05d}"
        Payment.objects.create(order=order, provider="stripe", amount=total, provider_payment_id=intent)
        intents.append((intent, to_minor_units(total)))
    return intents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duplicates", type=int, default=2)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from core.payments.stripe_fake import StripeFake
    from orders.models import LedgerPosting, OrderEvent

    fake = StripeFake(webhook_secret=SECRET)
    intents = make_orders(args.orders)
    bodies = []
    for number, (intent, amount) in enumerate(intents):
        event = {
            "id": f"evt_bench_{intent}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": 0,
            "data": {
                "object": {
                    "id": intent,
                    "object": "payment_intent",
                    "amount": amount,
                    "currency": "kzt",
                    "status": "succeeded",
                    "metadata": {"order_number": str(number)},
                }
            },
        }
        bodies.extend([json.dumps(event).encode()] * args.duplicates)

    def post(body: bytes) -> tuple[int, float]:
        started = perf_counter()
        try:
            response = Client().post(
                "/api/v1/payments/stripe/webhook/",
                data=body,
                content_type="application/json",
                headers={"Stripe-Signature": fake.sign(body)},
            )
            return response.status_code, perf_counter() - started
        finally:
            connection.close()

    started = perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        results = list(pool.map(post, bodies))
    elapsed = perf_counter() - started
    latencies = [seconds * 1000 for _, seconds in results]
    statuses = {status for status, _ in results}
    ids = [intent for intent, _ in intents]
    paid_twice = (
        OrderEvent.objects.filter(code="paid", order__payment__provider_payment_id__in=ids)
        .values("order_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    charges = LedgerPosting.objects.filter(kind="charge", order__payment__provider_payment_id__in=ids)
    print(f"webhooks: {len(bodies)} deliveries ({args.orders} events x {args.duplicates}), {args.threads} threads")
    print(f"  statuses      {sorted(statuses)}")
    print(f"  throughput    {len(bodies) / elapsed:.1f} deliveries/s, {args.orders / elapsed:.1f} events applied/s")
    print(
        f"  latency ms    p50 {percentile(latencies, 0.5):.1f}  p95 {percentile(latencies, 0.95):.1f}  "
        f"max {max(latencies):.1f}  mean {statistics.mean(latencies):.1f}"
    )
    print(f"  orders paid   {charges.count()} of {args.orders}; paid more than once: {paid_twice}")
    return 0 if paid_twice == 0 and charges.count() == args.orders and statuses == {200} else 1


if __name__ == "__main__":
    raise SystemExit(main())
