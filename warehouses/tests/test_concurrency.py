"""Real concurrent transactions on PostgreSQL: no oversell, nothing negative, no deadlock (receipts included)."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory
from warehouses.exceptions import InsufficientStock
from warehouses.models import InboundLine, InboundShipment, Stock
from warehouses.services import ReservationLine, inbound_shipment_create, inbound_shipment_receive, stock_reserve
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


# --- A multi-SKU receipt racing reservations of the same SKUs -------------------------------------


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def is_waiting_for_a_lock(pid: int) -> bool:
    """Is this backend blocked on a lock? (The test's own connection is in autocommit: a fresh view each time.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0) -> None:
    """Poll a condition (another backend's state) until it holds; fail after ``timeout`` seconds."""
    deadline = threading.Event()
    timer = threading.Timer(timeout, deadline.set)
    timer.start()
    try:
        while not condition():
            assert not deadline.wait(0.01), "timed out waiting for the other transaction"
    finally:
        timer.cancel()


class Worker(threading.Thread):
    """Runs ``work`` on its own connection; keeps its backend pid, its outcome and any error."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.pid: int | None = None
        self.started_work = threading.Event()
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.pid = backend_pid()
            self.started_work.set()
            self.work()
        except BaseException as error:  # a deadlock lands here and fails the test
            self.error = error
        finally:
            connection.close()
            self.started_work.set()
            self.finished.set()


def announced_receipt(*, skus: int) -> tuple[InboundShipment, list[Stock]]:
    """A shipment announcing ``skus`` variants already stocked at ALA (stock ids ascend with the SKUs)."""
    warehouse = WarehouseFactory(code="ALA")
    seller = SellerFactory()
    product = ProductFactory(seller=seller)
    variants = [VariantFactory(product=product) for _ in range(skus)]
    stocks = [stock_with(variant=variant, warehouse=warehouse, on_hand=THREADS) for variant in variants]
    shipment = inbound_shipment_create(
        seller=seller, warehouse_code="ALA", lines=[(variant.sku, 5) for variant in variants]
    )
    return shipment, stocks


def receive_in_scan_order(shipment: InboundShipment, stocks: list[Stock]) -> Callable[[], str]:
    """The staff scan the boxes last SKU first: the opposite of the stock rows' primary-key order."""
    skus = [stock.variant.sku for stock in reversed(stocks)]

    def work() -> str:
        inbound_shipment_receive(shipment=shipment, lines=[(sku, 5) for sku in skus])
        return "received"

    return work


def assert_receipt_and_reservations_add_up(stocks: list[Stock], *, reserved: int) -> None:
    for stock in stocks:
        assert_ledger_matches(stock)
        assert (stock.on_hand, stock.reserved) == (THREADS + 5, reserved)


def test_a_receipt_paused_between_skus_does_not_deadlock_with_a_reservation() -> None:
    """The interleaving that deadlocked: the receipt holds the stock row of the SKU it scanned first
    and is held up before the next one; meanwhile an order locks both rows in primary-key order."""
    for _round in range(3):
        shipment, stocks = announced_receipt(skus=2)
        first = stocks[0]
        # A third transaction holds the first SKU's inbound line (scanned last), so the receipt
        # stops between its two SKUs, deterministically.
        holding, release = threading.Event(), threading.Event()

        def hold_line(
            first: Stock = first,
            shipment: InboundShipment = shipment,
            holding: threading.Event = holding,
            release: threading.Event = release,
        ) -> None:
            with transaction.atomic():
                InboundLine.objects.select_for_update().get(shipment=shipment, variant_id=first.variant_id)
                holding.set()
                release.wait(timeout=60)

        def order(stocks: list[Stock] = stocks) -> None:
            with transaction.atomic():
                lines = [ReservationLine(stock.variant_id, 1) for stock in stocks]
                stock_reserve(lines=lines, destination_country="KZ", reference="order")

        blocker = Worker(hold_line)
        blocker.start()
        assert holding.wait(timeout=30)
        receipt = Worker(receive_in_scan_order(shipment, stocks))
        receipt.start()
        receipt.started_work.wait(timeout=30)
        wait_until(lambda receipt=receipt: is_waiting_for_a_lock(receipt.pid))  # type: ignore[misc]
        reservation = Worker(order)
        reservation.start()
        reservation.started_work.wait(timeout=30)
        wait_until(
            lambda reservation=reservation: reservation.finished.is_set() or is_waiting_for_a_lock(reservation.pid)  # type: ignore[misc]
        )
        release.set()
        for worker in (blocker, receipt, reservation):
            worker.join(timeout=60)
            assert not worker.is_alive(), "a transaction hung"
        assert receipt.error is None, repr(receipt.error)
        assert reservation.error is None, repr(reservation.error)
        for stock in stocks:
            stock.refresh_from_db()
        assert_receipt_and_reservations_add_up(stocks, reserved=1)


#: Orders racing each receipt; few, so that parallel CI runs sharing one PostgreSQL keep connections to spare.
RECEIPT_RACERS = 5


def test_a_multi_sku_receipt_racing_orders_for_the_same_skus_never_deadlocks() -> None:
    for round_number in range(ROUNDS):
        shipment, stocks = announced_receipt(skus=4)
        lines = [ReservationLine(stock.variant_id, 1) for stock in stocks]
        workers = [receive_in_scan_order(shipment, stocks)] + [
            reserve(lines, f"RX{round_number}-{index}") for index in range(RECEIPT_RACERS)
        ]
        outcomes = run_together(workers)
        assert outcomes == Counter({"received": 1, "reserved": RECEIPT_RACERS}), outcomes
        for stock in stocks:
            stock.refresh_from_db()
        assert_receipt_and_reservations_add_up(stocks, reserved=RECEIPT_RACERS)
