"""Real concurrent transactions on PostgreSQL: no oversell, nothing negative, no deadlock."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from marketplace.tests.factories import VariantFactory
from warehouses.exceptions import InsufficientStock
from warehouses.models import Stock
from warehouses.services import ReservationLine, stock_reserve
from warehouses.tests.factories import WarehouseFactory, stock_with

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
ROUNDS = 8


def run_together(workers: list[Callable[[], str]]) -> Counter[str]:
    """Start every worker at the same instant (a barrier) and count their outcomes."""
    barrier = threading.Barrier(len(workers))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(work: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            result = work()
        except Exception as error:  # a deadlock or constraint error would land here and fail the test
            result = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a reservation hung"
    return outcomes


def reserve(lines: list[ReservationLine], reference: str) -> Callable[[], str]:
    def work() -> str:
        try:
            with transaction.atomic():
                stock_reserve(lines=lines, destination_country="KZ", reference=reference)
            return "reserved"
        except InsufficientStock:
            return "sold out"

    return work


def assert_ledger_matches(stock: Stock) -> None:
    stock.refresh_from_db()
    sums = stock.ledger_entries.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    assert (stock.on_hand, stock.reserved) == (sums["on_hand"], sums["reserved"])
    assert 0 <= stock.reserved <= stock.on_hand


def test_threads_racing_for_the_last_units_sell_exactly_the_stock() -> None:
    ala, mow = WarehouseFactory(code="ALA"), WarehouseFactory(code="MOW")
    for round_number in range(ROUNDS):
        variant = VariantFactory()
        # 5 units in the buyer's country and 2 in Moscow; 12 buyers want one each.
        near = stock_with(variant=variant, warehouse=ala, on_hand=5)
        far = stock_with(variant=variant, warehouse=mow, on_hand=2)
        workers = [reserve([ReservationLine(variant.pk, 1)], f"R{round_number}-{index}") for index in range(THREADS)]
        outcomes = run_together(workers)
        assert outcomes == Counter({"reserved": 7, "sold out": THREADS - 7}), outcomes
        near.refresh_from_db()
        far.refresh_from_db()
        assert (near.reserved, far.reserved) == (5, 2)  # the near warehouse was used up first
        assert_ledger_matches(near)
        assert_ledger_matches(far)


def test_two_skus_reserved_in_opposite_orders_never_deadlock() -> None:
    ala = WarehouseFactory(code="ALA")
    for round_number in range(ROUNDS):
        first, second = VariantFactory(), VariantFactory()
        stock_a = stock_with(variant=first, warehouse=ala, on_hand=THREADS)
        stock_b = stock_with(variant=second, warehouse=ala, on_hand=THREADS)
        workers = [
            reserve(
                [ReservationLine(first.pk, 1), ReservationLine(second.pk, 1)]
                if index % 2
                else [ReservationLine(second.pk, 1), ReservationLine(first.pk, 1)],
                f"X{round_number}-{index}",
            )
            for index in range(THREADS)
        ]
        outcomes = run_together(workers)
        assert outcomes == Counter({"reserved": THREADS}), outcomes
        for stock in (stock_a, stock_b):
            assert_ledger_matches(stock)
            assert stock.reserved == THREADS
