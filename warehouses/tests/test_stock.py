"""Stock services: receive, reserve (all or nothing, strategy), release, ship, adjust — and the ledger."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from core.exceptions import Conflict, ValidationFailed
from marketplace.tests.factories import VariantFactory
from warehouses.exceptions import InsufficientStock
from warehouses.models import LedgerKind, Stock, StockLedgerEntry
from warehouses.reservations import STRATEGIES, Strategy, strategy_register
from warehouses.services import (
    Allocation,
    ReservationLine,
    stock_adjust,
    stock_receive,
    stock_release,
    stock_reserve,
    stock_ship,
)
from warehouses.tests.factories import WarehouseFactory, stock_with
from warehouses.transport.models import DeliveryEstimate

pytestmark = pytest.mark.django_db


def ledger_sums(stock: Stock) -> tuple[int, int]:
    sums = stock.ledger_entries.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    return sums["on_hand"] or 0, sums["reserved"] or 0


def test_receive_puts_units_on_the_shelf_and_writes_the_ledger(make_user) -> None:
    actor = make_user()
    variant, warehouse = VariantFactory(), WarehouseFactory(code="ALA")
    stock_receive(variant_id=variant.pk, warehouse_id=warehouse.pk, quantity=7, reference="IN-1", actor=actor)
    stock = stock_receive(variant_id=variant.pk, warehouse_id=warehouse.pk, quantity=3, reference="IN-2")
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 0, 10)
    entries = list(stock.ledger_entries.order_by("id"))
    assert [(e.kind, e.on_hand_delta, e.on_hand_after, e.reference) for e in entries] == [
        ("receive", 7, 7, "IN-1"),
        ("receive", 3, 10, "IN-2"),
    ]
    assert entries[0].actor == actor


def test_reserve_all_lines_or_none() -> None:
    ala = WarehouseFactory(code="ALA")
    plenty = stock_with(warehouse=ala, on_hand=10)
    scarce = stock_with(warehouse=ala, on_hand=2)
    with pytest.raises(InsufficientStock) as caught:
        stock_reserve(
            lines=[ReservationLine(plenty.variant_id, 5), ReservationLine(scarce.variant_id, 3)],
            destination_country="KZ",
            reference="K-1",
        )
    error = caught.value
    assert error.status_code == 409 and error.code == "insufficient_stock"
    assert error.short == {scarce.variant_id: 2}
    assert error.errors == {str(scarce.variant_id): ["Only 2 available."]}
    plenty.refresh_from_db()
    assert plenty.reserved == 0
    assert not StockLedgerEntry.objects.filter(kind=LedgerKind.RESERVE).exists()


def test_reserve_merges_repeated_variants_and_rejects_bad_quantities() -> None:
    stock = stock_with(warehouse=WarehouseFactory(code="ALA"), on_hand=5)
    with pytest.raises(InsufficientStock):
        stock_reserve(
            lines=[ReservationLine(stock.variant_id, 3), ReservationLine(stock.variant_id, 3)],
            destination_country="KZ",
            reference="K-1",
        )
    with pytest.raises(ValidationFailed):
        stock_reserve(lines=[ReservationLine(stock.variant_id, 0)], destination_country="KZ", reference="K-1")
    with pytest.raises(ValidationFailed):
        stock_reserve(
            lines=[ReservationLine(stock.variant_id, 1)], destination_country="KZ", reference="K-1", strategy="nope"
        )


def estimate(warehouse, country: str, days_max: int) -> None:  # type: ignore[no-untyped-def]
    DeliveryEstimate.objects.create(
        origin_hub=warehouse.hub,
        destination_country=country,
        days_min=1,
        days_max=days_max,
        mode="tir",
        usd_per_kg=1,
        computed_at=timezone.now(),
    )


def test_default_strategy_prefers_country_then_customs_union_then_fastest() -> None:
    variant = VariantFactory()
    lyg, mow, tas, ala = (WarehouseFactory(code=code) for code in ("LYG", "MOW", "TAS", "ALA"))
    for warehouse in (lyg, mow, tas, ala):
        stock_with(variant=variant, warehouse=warehouse, on_hand=5)
    line = [ReservationLine(variant.pk, 2)]
    # In the buyer's country.
    assert stock_reserve(lines=line, destination_country="KZ", reference="a", dry_run=True)[0].warehouse_code == "ALA"
    # Kyrgyzstan: no warehouse there; ALA and MOW are in the EAEU with it, ALA sorts first without estimates.
    assert stock_reserve(lines=line, destination_country="KG", reference="b", dry_run=True)[0].warehouse_code == "ALA"
    # With delivery estimates, the faster EAEU warehouse wins; Tashkent (not EAEU) is never preferred over them.
    estimate(mow, "KG", 3)
    estimate(ala, "KG", 6)
    estimate(tas, "KG", 1)
    assert stock_reserve(lines=line, destination_country="KG", reference="c", dry_run=True)[0].warehouse_code == "MOW"
    # Outside any union (Pakistan): the fastest route.
    estimate(lyg, "PK", 12)
    estimate(tas, "PK", 8)
    assert stock_reserve(lines=line, destination_country="PK", reference="d", dry_run=True)[0].warehouse_code == "TAS"
    # dry_run wrote nothing.
    assert not Stock.objects.filter(reserved__gt=0).exists()


def test_a_line_is_split_only_when_no_single_warehouse_can_serve_it() -> None:
    variant = VariantFactory()
    ala, mow, lyg = WarehouseFactory(code="ALA"), WarehouseFactory(code="MOW"), WarehouseFactory(code="LYG")
    stock_with(variant=variant, warehouse=ala, on_hand=3)
    stock_with(variant=variant, warehouse=mow, on_hand=4)
    stock_with(variant=variant, warehouse=lyg, on_hand=10)
    # LYG alone can serve 6: no split even though ALA is in the buyer's country.
    (only,) = stock_reserve(lines=[ReservationLine(variant.pk, 6)], destination_country="KZ", reference="K-1")
    assert (only.warehouse_code, only.quantity) == ("LYG", 6)
    # 10 left in total across three warehouses (3 + 4 + 4): 9 needs a split, in preference order.
    allocations = stock_reserve(lines=[ReservationLine(variant.pk, 9)], destination_country="KZ", reference="K-2")
    assert [(a.warehouse_code, a.quantity) for a in allocations] == [("ALA", 3), ("MOW", 4), ("LYG", 2)]
    assert sum(Stock.objects.filter(variant=variant).values_list("reserved", flat=True)) == 15


def test_strategies_are_named_and_swappable() -> None:
    variant = VariantFactory()
    stock_with(variant=variant, warehouse=WarehouseFactory(code="ALA"), on_hand=5)
    stock_with(variant=variant, warehouse=WarehouseFactory(code="LYG"), on_hand=5)
    strategy_register(
        Strategy("alphabetical-reverse", "test", lambda option, _: (tuple(-ord(c) for c in option.warehouse_code),))
    )
    try:
        (allocation,) = stock_reserve(
            lines=[ReservationLine(variant.pk, 1)],
            destination_country="KZ",
            reference="K-1",
            strategy="alphabetical-reverse",
            dry_run=True,
        )
        assert allocation.warehouse_code == "LYG"
    finally:
        STRATEGIES.pop("alphabetical-reverse")


def test_inactive_warehouses_are_not_used() -> None:
    variant = VariantFactory()
    closed = WarehouseFactory(code="ALA")
    stock_with(variant=variant, warehouse=closed, on_hand=5)
    closed.is_active = False
    closed.save()
    with pytest.raises(InsufficientStock) as caught:
        stock_reserve(lines=[ReservationLine(variant.pk, 1)], destination_country="KZ", reference="K-1")
    assert caught.value.short == {variant.pk: 0}


def test_release_and_ship_move_reserved_units() -> None:
    stock = stock_with(warehouse=WarehouseFactory(code="ALA"), on_hand=10)
    allocations = stock_reserve(lines=[ReservationLine(stock.variant_id, 6)], destination_country="KZ", reference="K-1")
    stock_release(allocations=[Allocation(stock.variant_id, stock.warehouse_id, "ALA", 2)], reference="K-1")
    stock_ship(allocations=[Allocation(stock.variant_id, stock.warehouse_id, "ALA", 4)], reference="K-1")
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (6, 0)
    assert ledger_sums(stock) == (6, 0)
    # Releasing what is not reserved is refused and changes nothing.
    with pytest.raises(Conflict):
        stock_release(allocations=allocations, reference="K-1")
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (6, 0)


def test_adjust_requires_a_reason_and_never_goes_below_reserved(make_user) -> None:
    actor = make_user()
    stock = stock_with(warehouse=WarehouseFactory(code="ALA"), on_hand=10, reserved=4)
    with pytest.raises(ValidationFailed) as caught:
        stock_adjust(stock=stock, delta=-1, reason="  ", actor=actor)
    assert "reason" in caught.value.errors
    with pytest.raises(Conflict):
        stock_adjust(stock=stock, delta=-7, reason="Water damage", actor=actor)
    stock = stock_adjust(stock=stock, delta=-6, reason="Water damage", actor=actor)
    assert (stock.on_hand, stock.reserved) == (4, 4)
    entry = stock.ledger_entries.get(kind=LedgerKind.ADJUST)
    assert (entry.on_hand_delta, entry.reason, entry.actor) == (-6, "Water damage", actor)
    assert ledger_sums(stock) == (4, 4)


def test_database_refuses_impossible_counts() -> None:
    stock = stock_with(warehouse=WarehouseFactory(code="ALA"), on_hand=2)
    for changes in ({"on_hand": -1}, {"reserved": -1}, {"reserved": 3}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Stock.objects.filter(pk=stock.pk).update(**changes)


def test_reserve_inside_a_callers_transaction_rolls_back_with_it() -> None:
    stock = stock_with(warehouse=WarehouseFactory(code="ALA"), on_hand=5)

    class OrderFailed(Exception):
        pass

    with pytest.raises(OrderFailed), transaction.atomic():
        stock_reserve(lines=[ReservationLine(stock.variant_id, 2)], destination_country="KZ", reference="K-1")
        raise OrderFailed
    stock.refresh_from_db()
    assert stock.reserved == 0
    assert not stock.ledger_entries.filter(kind=LedgerKind.RESERVE).exists()
