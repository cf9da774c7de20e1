"""Consolidation: next departure across time zones, first-fit-decreasing packing, every shipment exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warehouses.fulfilment import (
    ConsolidationError,
    DepartureSchedule,
    WaitingShipment,
    estimated_arrival,
    load_seed_network,
    pack_first_fit_decreasing,
    plan_consolidation,
    plan_lane_consolidation,
)

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+5
MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3
SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8
# Almaty trucks leave Mondays and Thursdays; goods must be in by 18:00 Almaty time.
ALMATY_TRUCKS = DepartureSchedule(departure_weekdays=(0, 3), cutoff_local=time(18, 0), timezone="Asia/Almaty")


def shipment(
    shipment_id: str, weight_kg: str, volume_m3: str = "1", ready_at: datetime | None = None
) -> WaitingShipment:
    return WaitingShipment(shipment_id, Decimal(weight_kg), Decimal(volume_m3), ready_at)


@pytest.mark.parametrize(
    ("ready_at", "expected_cutoff"),
    [
        # 16:30 in Moscow is 18:30 in Almaty: before the cut-off on the sender's clock, after it at the hub.
        (datetime(2026, 3, 2, 16, 30, tzinfo=MOSCOW), datetime(2026, 3, 5, 18, 0, tzinfo=ALMATY)),
        (datetime(2026, 3, 2, 15, 59, tzinfo=MOSCOW), datetime(2026, 3, 2, 18, 0, tzinfo=ALMATY)),
        # Exactly at the cut-off still makes it.
        (datetime(2026, 3, 2, 13, 0, tzinfo=UTC), datetime(2026, 3, 2, 18, 0, tzinfo=ALMATY)),
        (datetime(2026, 3, 2, 13, 0, 1, tzinfo=UTC), datetime(2026, 3, 5, 18, 0, tzinfo=ALMATY)),
        # Sunday 22:00 UTC is already Monday 03:00 in Almaty: Monday's departure, not Thursday's.
        (datetime(2026, 3, 1, 22, 0, tzinfo=UTC), datetime(2026, 3, 2, 18, 0, tzinfo=ALMATY)),
        # Thursday 23:00 in Shanghai is 20:00 in Almaty: after the cut-off, so next Monday.
        (datetime(2026, 3, 5, 23, 0, tzinfo=SHANGHAI), datetime(2026, 3, 9, 18, 0, tzinfo=ALMATY)),
    ],
)
def test_next_departure_respects_the_cut_off_in_the_hub_zone(ready_at: datetime, expected_cutoff: datetime) -> None:
    cutoff = ALMATY_TRUCKS.next_cutoff(ready_at)
    assert cutoff == expected_cutoff
    assert cutoff.tzinfo == ALMATY


def test_consolidation_moves_late_shipments_to_the_next_departure() -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 13:00 in Almaty, Monday
    shipments = [
        shipment("early", "5000"),
        shipment("sender-clock-early", "4000", ready_at=datetime(2026, 3, 2, 16, 30, tzinfo=MOSCOW)),
        shipment("in-time", "3000", ready_at=datetime(2026, 3, 2, 12, 59, tzinfo=UTC)),
    ]
    result = plan_consolidation(shipments, ALMATY_TRUCKS, 20000, 86, now)
    assert [departure.departs_on for departure in result.departures] == [date(2026, 3, 2), date(2026, 3, 5)]
    assert set(result.departures[0].shipment_ids) == {"early", "in-time"}
    assert result.departures[1].shipment_ids == ("sender-clock-early",)
    assert result.departure_for("sender-clock-early") is result.departures[1]


def test_packing_opens_a_new_unit_when_one_is_full() -> None:
    shipments = [shipment(f"s{number}", "7000", "10") for number in range(5)]
    packing = pack_first_fit_decreasing(shipments, 20000, 86)
    assert [len(unit.shipment_ids) for unit in packing.units] == [2, 2, 1]
    assert [unit.weight_kg for unit in packing.units] == [Decimal(14000), Decimal(14000), Decimal(7000)]


def test_packing_is_first_fit_decreasing_on_weight_and_volume() -> None:
    shipments = [
        shipment("bulky", "1000", "60"),  # dominant share: volume 60/86
        shipment("heavy", "15000", "5"),  # dominant share: weight 15/20
        shipment("small", "4000", "20"),
        shipment("medium", "5000", "30"),
    ]
    packing = pack_first_fit_decreasing(shipments, 20000, 86)
    # heavy (0.75) first, bulky (0.70) joins it, medium (0.35) would make 21 t so opens unit 2, small fits unit 1.
    assert [unit.shipment_ids for unit in packing.units] == [("heavy", "bulky", "small"), ("medium",)]


def test_a_shipment_bigger_than_a_unit_is_reported_not_dropped() -> None:
    shipments = [shipment("huge", "25000"), shipment("ok", "1000"), shipment("tall", "10", "90")]
    packing = pack_first_fit_decreasing(shipments, 20000, 86)
    assert [item.shipment_id for item in packing.oversized] == ["huge", "tall"]
    assert [unit.shipment_ids for unit in packing.units] == [("ok",)]


def test_bad_consolidation_input_is_refused() -> None:
    with pytest.raises(ConsolidationError):
        pack_first_fit_decreasing([shipment("a", "1"), shipment("a", "2")], 20000, 86)
    with pytest.raises(ConsolidationError):
        plan_consolidation([], ALMATY_TRUCKS, 20000, 86, datetime(2026, 3, 2, 8, 0))
    with pytest.raises(ConsolidationError):
        shipment("naive", "1", ready_at=datetime(2026, 3, 2, 8, 0))
    with pytest.raises(ConsolidationError):
        shipment("weightless", "0")
    with pytest.raises(ConsolidationError):
        DepartureSchedule((7,), time(12), "Asia/Almaty")
    with pytest.raises(ConsolidationError):
        DepartureSchedule((0,), time(12), "Atlantis/Capital")
    with pytest.raises(ConsolidationError):
        pack_first_fit_decreasing([], 0, 86)


def test_an_empty_schedule_means_daily() -> None:
    daily = DepartureSchedule((), time(18, 0), "Asia/Almaty")
    assert daily.departure_weekdays == (0, 1, 2, 3, 4, 5, 6)
    assert daily.next_cutoff(datetime(2026, 3, 7, 14, 0, tzinfo=UTC)) == datetime(2026, 3, 8, 18, 0, tzinfo=ALMATY)


def test_lane_consolidation_uses_the_lane_schedule_and_capacity() -> None:
    network = load_seed_network()
    lane = next(item for item in network.lanes if item.key == "XIY-TAS-rail_road")  # Mon/Thu, 12:00 Beijing time
    now = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)  # 12:30 in Xi'an: Monday's cut-off has passed
    shipments = [shipment(f"c{number}", "9000", "20") for number in range(4)]
    result = plan_lane_consolidation(network, lane, shipments, now)
    (departure,) = result.departures
    assert departure.departs_on == date(2026, 3, 5)
    assert departure.cutoff_at == datetime(2026, 3, 5, 12, 0, tzinfo=SHANGHAI)
    assert [len(unit.shipment_ids) for unit in departure.units] == [2, 2]  # 26.5 t containers
    assert estimated_arrival(departure.departs_on, lane) == (date(2026, 3, 12), date(2026, 3, 14), date(2026, 3, 19))


shipments_strategy = st.lists(
    st.builds(
        lambda number, weight, volume, delay: (number, weight, volume, delay),
        st.integers(0, 10_000),
        st.decimals(min_value=Decimal("0.1"), max_value=Decimal("30000"), places=1),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
        st.integers(-48, 24 * 14),
    ),
    max_size=60,
    unique_by=lambda row: row[0],
)


@settings(max_examples=100, deadline=None)
@given(rows=shipments_strategy, start_hour=st.integers(0, 24 * 7))
def test_every_shipment_assigned_exactly_once_and_no_unit_over_capacity(
    rows: list[tuple[int, Decimal, Decimal, int]], start_hour: int
) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(hours=start_hour)
    shipments = [
        WaitingShipment(f"s{number}", weight, volume, now + timedelta(hours=delay))
        for number, weight, volume, delay in rows
    ]
    result = plan_consolidation(shipments, ALMATY_TRUCKS, Decimal(20000), Decimal(86), now)
    placed = Counter(shipment_id for departure in result.departures for shipment_id in departure.shipment_ids)
    placed.update(item.shipment_id for item in result.oversized)
    assert placed == Counter(item.shipment_id for item in shipments)
    by_id = {item.shipment_id: item for item in shipments}
    for departure in result.departures:
        assert departure.cutoff_at >= now
        assert departure.cutoff_at.weekday() in ALMATY_TRUCKS.departure_weekdays
        for unit in departure.units:
            assert unit.weight_kg == sum(by_id[shipment_id].weight_kg for shipment_id in unit.shipment_ids)
            assert unit.weight_kg <= 20000 and unit.volume_m3 <= 86
        for shipment_id in departure.shipment_ids:
            ready_at = by_id[shipment_id].ready_at
            assert ready_at is not None and ready_at <= departure.cutoff_at
            # It makes no earlier departure: the previous cut-off falls before it was ready (or before now).
            assert departure.cutoff_at - max(ready_at, now) < timedelta(days=7)
    for item in result.oversized:
        assert item.weight_kg > 20000 or item.volume_m3 > 86
