"""Consolidation with database rows: departures by the hub's cut-off, units within capacity, booked exactly once."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from core.services import exchange_rates_seed_offline
from sellers.tests.factories import SellerFactory
from warehouses.models import OutboundShipment, OutboundStatus, ShipmentEvent, Warehouse
from warehouses.services.consolidation import CONSOLIDATED_EVENT_CODE, ConsolidationOutcome, departures_consolidate
from warehouses.tests.factories import WarehouseFactory
from warehouses.transport.models import Departure, DepartureUnit, Hub
from warehouses.transport.services import network_load_seed

SHANGHAI = ZoneInfo("Asia/Shanghai")
_references = count(1)


def warehouse_at(hub_code: str) -> Warehouse:
    hub = Hub.objects.get(code=hub_code)
    return WarehouseFactory(code=f"{hub_code}1", country=hub.country, hub=hub)


def packed(
    warehouse: Warehouse,
    *,
    weight_kg: str = "1500",
    side_cm: str = "100",
    country: str = "KZ",
    mode: str = "tir",
    status: str = OutboundStatus.PACKED,
) -> OutboundShipment:
    return OutboundShipment.objects.create(
        warehouse=warehouse,
        seller=SellerFactory(),
        reference=f"K-{next(_references):05d}",
        status=status,
        recipient="Aigerim Demo",
        country=country,
        city="Almaty",
        line1="Abay Ave 1",
        mode=mode,
        weight_kg=Decimal(weight_kg),
        length_cm=Decimal(side_cm),
        width_cm=Decimal(side_cm),
        height_cm=Decimal(side_cm),
        packed_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("now", "local_departure_day"),
    [
        (datetime(2026, 11, 23, 9, 30, tzinfo=UTC), 23),  # 17:30 in Urumqi (Beijing time): makes the 18:00 cut-off
        (datetime(2026, 11, 23, 10, 30, tzinfo=UTC), 24),  # 18:30 local: missed, next day's truck
        (datetime(2026, 11, 22, 12, 0, tzinfo=UTC), 23),  # 20:00 local, though only noon in UTC
        (datetime(2026, 11, 22, 17, 0, tzinfo=UTC), 23),  # already 01:00 on the 23rd locally
    ],
)
def test_cutoff_is_read_in_the_origin_hubs_time_zone(
    seeded: tuple[int, int], now: datetime, local_departure_day: int
) -> None:
    shipment = packed(warehouse_at("URC"))

    departures_consolidate(now=now)

    shipment.refresh_from_db()
    departure = shipment.departure_unit.departure  # type: ignore[union-attr]
    assert departure.lane.origin.code == "URC" and departure.lane.destination.code == "ALA"
    assert departure.cutoff_at == datetime(2026, 11, local_departure_day, 18, 0, tzinfo=SHANGHAI)
    assert departure.cutoff_at > now
    assert departure.departs_at == departure.cutoff_at + timedelta(hours=4)
    assert shipment.departure_unit.number == f"TIR-URC-202611{local_departure_day}-01"  # type: ignore[union-attr]
    assert shipment.eta == departure.departs_at + timedelta(days=3)  # URC→ALA typical transit


def test_rail_waits_for_its_weekday_and_uses_containers(seeded: tuple[int, int]) -> None:
    # Xi'an→Tashkent block trains leave Mon/Wed/Fri at a 12:00 cut-off (Beijing time).
    shipment = packed(warehouse_at("XIY"), country="UZ", mode="rail")
    tuesday_morning = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Xi'an

    departures_consolidate(now=tuesday_morning)

    shipment.refresh_from_db()
    unit = shipment.departure_unit
    assert unit is not None
    assert unit.number == "CONT-XIY-20261125-01"
    assert unit.departure.cutoff_at == datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
    assert (unit.capacity_kg, unit.capacity_m3) == (26500, Decimal("76.00"))


def _assert_consistent_units() -> None:
    for unit in DepartureUnit.objects.all():
        shipments = list(unit.outbound_shipments.all())
        weight = sum((shipment.weight_kg for shipment in shipments), Decimal(0))
        volume = sum((shipment.length_cm**3 / 1_000_000 for shipment in shipments), Decimal(0))  # cubes
        assert unit.loaded_kg == weight <= unit.capacity_kg, unit.number
        assert unit.loaded_m3 == volume <= unit.capacity_m3, unit.number


def test_every_waiting_shipment_is_booked_once_within_capacity(seeded: tuple[int, int]) -> None:
    urumqi = warehouse_at("URC")
    waiting = [packed(urumqi) for _ in range(30)]  # 45 t: more than two 20 t trailers
    bulky = [packed(urumqi, weight_kg="100", side_cm="300") for _ in range(2)]  # 27 m³ each
    oversized = packed(urumqi, weight_kg="25000")
    domestic = packed(urumqi, country="CN")
    not_packed = packed(urumqi, status=OutboundStatus.PICKED)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    outcome = departures_consolidate(now=now)

    booked = {shipment.pk for shipment in [*waiting, *bulky]}
    assert set(outcome.assigned) == booked
    assert outcome.oversized == [oversized.pk]
    units = list(DepartureUnit.objects.order_by("number"))
    assert [unit.number for unit in units] == ["TIR-URC-20261123-01", "TIR-URC-20261123-02", "TIR-URC-20261123-03"]
    _assert_consistent_units()
    assigned = OutboundShipment.objects.filter(departure_unit__isnull=False)
    assert set(assigned.values_list("pk", flat=True)) == booked
    for shipment in (oversized, domestic, not_packed):
        shipment.refresh_from_db()
        assert shipment.departure_unit is None and shipment.eta is None
    events = ShipmentEvent.objects.filter(code=CONSOLIDATED_EVENT_CODE)
    assert Counter(events.values_list("shipment_id", flat=True)) == Counter(booked)
    event = events.get(shipment=waiting[0])
    waiting[0].refresh_from_db()
    assert waiting[0].departure_unit.number in event.note  # type: ignore[union-attr]
    assert "18:00" in event.note and "Asia/Shanghai" in event.note


def test_running_twice_assigns_nothing_twice(seeded: tuple[int, int]) -> None:
    urumqi = warehouse_at("URC")
    for _ in range(14):
        packed(urumqi)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    first = departures_consolidate(now=now)
    units_before = list(DepartureUnit.objects.values_list("number", "loaded_kg"))

    second = departures_consolidate(now=now + timedelta(minutes=15))

    assert len(first.assigned) == 14 and second.assigned == {}
    assert list(DepartureUnit.objects.values_list("number", "loaded_kg")) == units_before
    assert ShipmentEvent.objects.count() == 14

    late = packed(urumqi, weight_kg="500")
    third = departures_consolidate(now=now + timedelta(minutes=30))

    late.refresh_from_db()
    assert third.assigned == {late.pk: "TIR-URC-20261123-01"}  # first fit: the 500 kg left in trailer 01
    assert Departure.objects.count() == 1
    assert DepartureUnit.objects.count() == 2  # room left in an open unit is used before opening a new one
    _assert_consistent_units()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_book_each_shipment_once() -> None:
    exchange_rates_seed_offline()  # the planner's rates (EUR for the TIR guarantee)
    network_load_seed()
    urumqi = warehouse_at("URC")
    shipments = [packed(urumqi) for _ in range(20)]
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    outcomes: list[ConsolidationOutcome] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(departures_consolidate(now=now))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    booked = [shipment_id for outcome in outcomes for shipment_id in outcome.assigned]
    assert sorted(booked) == sorted(shipment.pk for shipment in shipments)  # each exactly once
    assert Departure.objects.count() == 1
    _assert_consistent_units()
