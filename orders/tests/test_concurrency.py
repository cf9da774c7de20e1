"""Races on PostgreSQL with real threads: a flash sale, deadlock bait, expiry against payment and itself."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_tokens_issue_many
from core.services import exchange_rates_seed_offline
from marketplace.tests.factories import SellerFactory
from orders.audit import audit_run
from orders.models import Cart, CartItem, Order, OrderStatus
from orders.services import orders_expire_due, payment_confirm
from orders.tests.factories import ALMATY_ADDRESS, variant_in_stock
from warehouses.models import LedgerKind, Stock, StockLedgerEntry
from warehouses.tests.factories import WarehouseFactory
from warehouses.transport.services import network_load_seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 40  # PostgreSQL here allows 100 connections; 40 leaves room for everyone else
BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT"}


def make_buyers(count: int, prefix: str) -> list[tuple[User, str]]:
    users = User.objects.bulk_create(User(email=f"{prefix}{n}@example.com", password="!") for n in range(count))
    users = list(User.objects.filter(email__startswith=prefix).order_by("pk"))
    tokens = api_tokens_issue_many(users=users)
    Cart.objects.bulk_create(Cart(user=user) for user in users)
    return [(user, token) for user, token in zip(users, tokens, strict=True)]


def fill_carts(buyers: list[tuple[User, str]], *variants_per_buyer: Any) -> None:
    """Each buyer gets one unit of each variant, added in the order given (variants_per_buyer[i] for buyer i)."""
    carts = dict(Cart.objects.filter(user__in=[user for user, _ in buyers]).values_list("user_id", "pk"))
    rows = []
    for (user, _), variants in zip(buyers, variants_per_buyer, strict=True):
        CartItem.objects.filter(cart_id=carts[user.pk]).delete()
        rows.extend(CartItem(cart_id=carts[user.pk], variant=variant, quantity=1) for variant in variants)
    CartItem.objects.bulk_create(rows)


def place_all(buyers: list[tuple[User, str]], key: str) -> list[Any]:
    def place(token: str) -> tuple[int, dict]:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            response = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
            return response.status_code, response.data
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(place, [token for _, token in buyers]))


@pytest.fixture
def setup_world(db):  # type: ignore[no-untyped-def]
    exchange_rates_seed_offline()
    network_load_seed()
    return SellerFactory(currency="CNY"), WarehouseFactory(code="LYG", country="CN")


def test_flash_sale_sells_exactly_the_last_units(setup_world) -> None:  # type: ignore[no-untyped-def]
    seller, warehouse = setup_world
    buyers = make_buyers(200, "flash")
    for round_number in range(3):
        variant = variant_in_stock(seller=seller, warehouse=warehouse, quantity=50, price="99.00")
        fill_carts(buyers, *([variant] for _ in buyers))
        results = place_all(buyers, key=f"flash-{round_number}")
        statuses = Counter(status for status, _ in results)
        assert statuses == {201: 50, 409: 150}, statuses
        conflicts = [body for status, body in results if status == 409]
        assert all(body["code"] == "insufficient_stock" and str(variant.pk) in body["errors"] for body in conflicts)
        stock = Stock.objects.get(variant=variant)
        assert (stock.on_hand, stock.reserved, stock.available) == (50, 50, 0)
        assert Order.objects.filter(lines__variant=variant).count() == 50
        entries = StockLedgerEntry.objects.filter(stock=stock, kind=LedgerKind.RESERVE)
        assert sum(entries.values_list("reserved_delta", flat=True)) == 50
        assert audit_run() == []  # manage.py audit's invariants hold after each round of the race
    # How fast a flash sale sells is measured by bench/bench_orders.py, never asserted here.


def test_opposite_lock_orders_do_not_deadlock(setup_world) -> None:  # type: ignore[no-untyped-def]
    seller, warehouse = setup_world
    first = variant_in_stock(seller=seller, warehouse=warehouse, quantity=25, price="10.00")
    second = variant_in_stock(seller=seller, warehouse=warehouse, quantity=25, price="12.00")
    buyers = make_buyers(60, "bait")
    fill_carts(buyers, *([first, second] if n % 2 else [second, first] for n in range(len(buyers))))
    results = place_all(buyers, key="bait")
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 25, 409: 35}, statuses  # a deadlock would surface as a 500
    for variant in (first, second):
        stock = Stock.objects.get(variant=variant)
        assert stock.reserved == 25 and stock.available == 0


def test_expiry_races_payment_and_exactly_one_wins(setup_world) -> None:  # type: ignore[no-untyped-def]
    seller, warehouse = setup_world
    variant = variant_in_stock(seller=seller, warehouse=warehouse, quantity=40, price="50.00")
    buyers = make_buyers(12, "race")
    fill_carts(buyers, *([variant] for _ in buyers))
    assert Counter(status for status, _ in place_all(buyers, key="race")) == {201: 12}
    Order.objects.update(reserved_until=timezone.now() - timedelta(seconds=1))
    orders = list(Order.objects.select_related("payment").order_by("pk"))
    barrier = threading.Barrier(len(orders) + 2)
    outcomes: dict[int, str] = {}
    expired_counts: list[int] = []

    def pay(order: Order) -> None:
        try:
            barrier.wait(timeout=30)
            payment_confirm(payment=order.payment, provider_reference=f"card-{order.pk}", amount=order.payment.amount)
            outcomes[order.pk] = "paid"
        except Exception as error:  # the loser gets a domain error; record which
            outcomes[order.pk] = getattr(error, "code", repr(error))
        finally:
            connection.close()

    def expire() -> None:
        try:
            barrier.wait(timeout=30)
            expired_counts.append(orders_expire_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(order,)) for order in orders]
    threads += [threading.Thread(target=expire), threading.Thread(target=expire)]  # two overlapping beats
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    paid = expired = 0
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        if order.status == OrderStatus.ALLOCATED:
            assert outcomes[order.pk] == "paid"
            paid += 1
        else:
            assert order.status == OrderStatus.EXPIRED
            assert outcomes[order.pk] == "order_not_payable"
            expired += 1
    assert paid + expired == len(orders)
    assert sum(expired_counts) == expired  # each expired order counted by exactly one beat
    stock = Stock.objects.get(variant=variant)
    assert stock.reserved == paid  # released exactly once per expired order, kept for paid ones
    releases = StockLedgerEntry.objects.filter(stock=stock, kind=LedgerKind.RELEASE)
    assert releases.count() == expired
