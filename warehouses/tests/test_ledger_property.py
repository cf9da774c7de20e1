"""Property: for any sequence of stock operations, the counts equal the ledger sums and never go negative."""

from collections import Counter

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from core.exceptions import DomainError
from marketplace.tests.factories import VariantFactory
from warehouses.models import Stock
from warehouses.services import (
    Allocation,
    ReservationLine,
    stock_adjust,
    stock_receive,
    stock_release,
    stock_reserve,
    stock_ship,
)
from warehouses.tests.factories import WarehouseFactory

# Receipts and reservations come more often than the rest, and most quantities are positive, so
# that most operations have something to work on; refusals (zero, negative, too many) still come up.
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "receive", "reserve", "reserve", "release", "ship", "adjust"]),
        st.integers(min_value=0, max_value=1),  # which warehouse
        st.one_of(st.integers(min_value=1, max_value=3), st.integers(min_value=-6, max_value=8)),  # quantity or delta
    ),
    min_size=1,
    max_size=25,
)


def _counts(variant_id: int, warehouse_ids: list[int]) -> list[tuple[int, int] | None]:
    """(on hand, reserved) at each warehouse, None where the variant has no stock row there."""
    rows = {row.warehouse_id: (row.on_hand, row.reserved) for row in Stock.objects.filter(variant_id=variant_id)}
    return [rows.get(warehouse_id) for warehouse_id in warehouse_ids]


def _allowed(kind: str, amount: int, counts: list[tuple[int, int] | None], index: int) -> bool:
    """Whether the operation must succeed, worked out from the counts alone (the model of the services)."""
    here = counts[index]
    quantity = abs(amount) or 1
    if kind == "receive":
        return amount >= 1
    if kind == "reserve":
        return amount >= 1 and sum(on - reserved for on, reserved in filter(None, counts)) >= amount
    if kind in ("release", "ship"):
        return here is not None and here[1] >= quantity
    # adjust: only tried where a row exists; it must change the count and keep the reserved units.
    return here is not None and amount != 0 and here[0] + amount >= here[1]


def _expected(kind: str, amount: int, counts: list[tuple[int, int] | None], index: int) -> list[tuple[int, int] | None]:
    """The counts after a successful receipt, release, shipment or adjustment at warehouse `index`."""
    on_hand, reserved = counts[index] or (0, 0)
    quantity = abs(amount) or 1
    changed = {
        "receive": (on_hand + amount, reserved),
        "release": (on_hand, reserved - quantity),
        "ship": (on_hand - quantity, reserved - quantity),
        "adjust": (on_hand + amount, reserved),
    }[kind]
    return [changed if position == index else count for position, count in enumerate(counts)]


@pytest.mark.django_db
def test_counts_always_equal_the_ledger() -> None:
    outcomes: Counter[str] = Counter()

    @settings(max_examples=40, deadline=None)
    @given(opening=st.tuples(st.integers(1, 10), st.integers(1, 10)), operations=OPERATIONS)
    def check(opening: tuple[int, int], operations: list[tuple[str, int, int]]) -> None:
        variant = VariantFactory()
        warehouses = [WarehouseFactory(code="ALA"), WarehouseFactory(code="MOW")]
        warehouse_ids = [warehouse.pk for warehouse in warehouses]
        # Opening stock at both warehouses, so that reservations, releases and shipments have work.
        opening_operations = [("receive", index, quantity) for index, quantity in enumerate(opening)]
        for position, (kind, index, amount) in enumerate(opening_operations + operations):
            warehouse = warehouses[index]
            before = _counts(variant.pk, warehouse_ids)
            if kind == "adjust" and before[index] is None:
                continue  # there is no stock row to adjust yet
            allocation = [Allocation(variant.pk, warehouse.pk, warehouse.code, abs(amount) or 1)]
            try:
                if kind == "receive":
                    stock_receive(variant_id=variant.pk, warehouse_id=warehouse.pk, quantity=amount, reference="p")
                elif kind == "reserve":
                    stock_reserve(lines=[ReservationLine(variant.pk, amount)], destination_country="KZ", reference="p")
                elif kind == "release":
                    stock_release(allocations=allocation, reference="p")
                elif kind == "ship":
                    stock_ship(allocations=allocation, reference="p")
                else:
                    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
                    stock_adjust(stock=stock, delta=amount, reason="cycle count", actor=None)
                done = True
            except DomainError:
                done = False
            after = _counts(variant.pk, warehouse_ids)
            # Each operation succeeds exactly when the counts allow it; a refused one changes nothing.
            assert done == _allowed(kind, amount, before, index), (kind, amount, before)
            if position >= len(opening_operations):
                outcomes["done" if done else "refused"] += 1
                outcomes[f"{kind} {'done' if done else 'refused'}"] += 1
            if not done:
                assert [count or (0, 0) for count in after] == [count or (0, 0) for count in before]
            elif kind == "reserve":  # the strategy picks the warehouses; the total is what was asked
                reserved = sum(count[1] for count in filter(None, after)) - sum(c[1] for c in filter(None, before))
                assert reserved == amount
            else:
                assert after == _expected(kind, amount, before, index)
            for stock in Stock.objects.filter(variant=variant):
                sums = stock.ledger_entries.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
                assert stock.on_hand == (sums["on_hand"] or 0)
                assert stock.reserved == (sums["reserved"] or 0)
                assert 0 <= stock.reserved <= stock.on_hand
                last = stock.ledger_entries.order_by("-id").first()
                if last is not None:
                    assert (last.on_hand_after, last.reserved_after) == (stock.on_hand, stock.reserved)

    check()
    # The consistency checks mean something only if many operations went through (about half do).
    assert outcomes["done"] >= 0.3 * (outcomes["done"] + outcomes["refused"]), dict(outcomes)
