"""Consolidation: put shipments waiting at a hub on the next departure they make and pack them into units.

Packing is first-fit decreasing on two dimensions. Shipments are sorted by their dominant share
of a unit (the larger of weight / payload and volume / cubic capacity), biggest first, and each goes
into the first open unit where both its weight and its volume still fit; when none has room a new
unit is opened. FFD is deterministic (manifests do not reshuffle between runs), runs in O(n·units)
for the few hundred shipments a hub holds, and in one dimension never uses more than 11/9 of the
optimal number of units plus one; an exact solver would save a unit only rarely and is not worth a
dependency. A shipment that alone exceeds a unit is reported in `oversized`, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConsolidationError
from .network import EVERY_DAY, Lane, Network, to_decimal
from .schedule import next_departure_on


@dataclass(frozen=True, slots=True)
class WaitingShipment:
    """A shipment at the hub for one lane; `ready_at` (aware) is when it can be loaded, None if now."""

    shipment_id: str
    weight_kg: Decimal
    volume_m3: Decimal
    ready_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight_kg", to_decimal(self.weight_kg))
        object.__setattr__(self, "volume_m3", to_decimal(self.volume_m3))
        if self.weight_kg <= 0 or self.volume_m3 < 0:
            raise ConsolidationError(
                f"shipment {self.shipment_id}: weight must be positive and volume not negative", field="weight_kg"
            )
        if self.ready_at is not None and self.ready_at.tzinfo is None:
            raise ConsolidationError(
                f"shipment {self.shipment_id}: ready_at must be timezone-aware", field="ready_at", code="naive_datetime"
            )


@dataclass(frozen=True, slots=True)
class DepartureSchedule:
    """Departure weekdays (0 = Monday, empty = daily) and the cut-off, in the origin hub's time zone."""

    departure_weekdays: tuple[int, ...]
    cutoff_local: time
    timezone: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "departure_weekdays", tuple(sorted(set(self.departure_weekdays))) or EVERY_DAY)
        if not all(0 <= day <= 6 for day in self.departure_weekdays):
            raise ConsolidationError("departure weekdays must be in 0..6 (Monday = 0)", field="weekdays")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConsolidationError(f"unknown time zone {self.timezone!r}", field="timezone") from error

    @classmethod
    def for_lane(cls, network: Network, lane: Lane) -> DepartureSchedule:
        return cls(lane.departure_weekdays, lane.cutoff_local, network.hubs[lane.origin].timezone)

    def next_cutoff(self, ready_at: datetime) -> datetime:
        """Cut-off (aware, hub's zone) of the first departure goods ready at `ready_at` make."""
        return next_departure_on(self.departure_weekdays, self.cutoff_local, ZoneInfo(self.timezone), ready_at)


@dataclass(frozen=True, slots=True)
class PackedUnit:
    """One truck or container: its number within the departure and the shipments it carries."""

    number: int
    shipment_ids: tuple[str, ...]
    weight_kg: Decimal
    volume_m3: Decimal


@dataclass(frozen=True, slots=True)
class PackingResult:
    units: tuple[PackedUnit, ...]
    oversized: tuple[WaitingShipment, ...]


@dataclass(frozen=True, slots=True)
class DepartureLoad:
    """Everything leaving on one departure: the day it leaves, its cut-off and its units."""

    departs_on: date
    cutoff_at: datetime
    units: tuple[PackedUnit, ...]

    @property
    def shipment_ids(self) -> tuple[str, ...]:
        return tuple(shipment_id for unit in self.units for shipment_id in unit.shipment_ids)


@dataclass(frozen=True, slots=True)
class ConsolidationPlan:
    """Departures in time order; shipments too big for any unit are listed in `oversized`."""

    departures: tuple[DepartureLoad, ...]
    oversized: tuple[WaitingShipment, ...]

    def departure_for(self, shipment_id: str) -> DepartureLoad | None:
        for departure in self.departures:
            if shipment_id in departure.shipment_ids:
                return departure
        return None


def _check_unique(shipments: Sequence[WaitingShipment]) -> None:
    seen: set[str] = set()
    for shipment in shipments:
        if shipment.shipment_id in seen:
            raise ConsolidationError(f"shipment {shipment.shipment_id} is listed twice", field="shipment_id")
        seen.add(shipment.shipment_id)


def pack_first_fit_decreasing(
    shipments: Iterable[WaitingShipment], capacity_kg: Decimal | float, capacity_m3: Decimal | float
) -> PackingResult:
    """Pack by weight and volume with first-fit decreasing; see the module docstring for why."""
    limit_kg, limit_m3 = to_decimal(capacity_kg), to_decimal(capacity_m3)
    if limit_kg <= 0 or limit_m3 <= 0:
        raise ConsolidationError("unit capacity must be positive", field="capacity")
    waiting = list(shipments)
    _check_unique(waiting)
    fitting = [item for item in waiting if item.weight_kg <= limit_kg and item.volume_m3 <= limit_m3]
    oversized = tuple(item for item in waiting if item.weight_kg > limit_kg or item.volume_m3 > limit_m3)
    fitting.sort(
        key=lambda item: (
            -max(item.weight_kg / limit_kg, item.volume_m3 / limit_m3),
            -item.weight_kg,
            item.shipment_id,
        )
    )
    unit_ids: list[list[str]] = []
    unit_kg: list[Decimal] = []
    unit_m3: list[Decimal] = []
    for item in fitting:
        for position in range(len(unit_ids)):
            if unit_kg[position] + item.weight_kg <= limit_kg and unit_m3[position] + item.volume_m3 <= limit_m3:
                break
        else:
            position = len(unit_ids)
            unit_ids.append([])
            unit_kg.append(Decimal(0))
            unit_m3.append(Decimal(0))
        unit_ids[position].append(item.shipment_id)
        unit_kg[position] += item.weight_kg
        unit_m3[position] += item.volume_m3
    units = tuple(
        PackedUnit(
            number=position + 1, shipment_ids=tuple(ids), weight_kg=unit_kg[position], volume_m3=unit_m3[position]
        )
        for position, ids in enumerate(unit_ids)
    )
    return PackingResult(units=units, oversized=oversized)


def plan_consolidation(
    shipments: Iterable[WaitingShipment],
    schedule: DepartureSchedule,
    capacity_kg: Decimal | float,
    capacity_m3: Decimal | float,
    now: datetime,
) -> ConsolidationPlan:
    """Give each shipment the first departure whose cut-off it makes (from `now` or its `ready_at`,
    whichever is later), then pack each departure's shipments into units."""
    if now.tzinfo is None:
        raise ConsolidationError("now must be timezone-aware", field="now", code="naive_datetime")
    waiting = list(shipments)
    _check_unique(waiting)
    by_cutoff: dict[datetime, list[WaitingShipment]] = {}
    for shipment in waiting:
        ready_at = now if shipment.ready_at is None or shipment.ready_at < now else shipment.ready_at
        by_cutoff.setdefault(schedule.next_cutoff(ready_at), []).append(shipment)
    departures = []
    oversized: list[WaitingShipment] = []
    for cutoff_at in sorted(by_cutoff):
        packing = pack_first_fit_decreasing(by_cutoff[cutoff_at], capacity_kg, capacity_m3)
        oversized.extend(packing.oversized)
        if packing.units:
            departures.append(DepartureLoad(departs_on=cutoff_at.date(), cutoff_at=cutoff_at, units=packing.units))
    return ConsolidationPlan(departures=tuple(departures), oversized=tuple(oversized))


def plan_lane_consolidation(
    network: Network, lane: Lane, shipments: Iterable[WaitingShipment], now: datetime
) -> ConsolidationPlan:
    """`plan_consolidation` with the lane's own schedule, hub time zone and unit capacity."""
    return plan_consolidation(
        shipments, DepartureSchedule.for_lane(network, lane), lane.unit_capacity_kg, lane.unit_capacity_m3, now
    )


def estimated_arrival(departs_on: date, lane: Lane) -> tuple[date, date, date]:
    """Earliest, typical and p90 arrival dates for a departure on `departs_on`."""
    return (
        departs_on + timedelta(days=lane.transit_days_min),
        departs_on + timedelta(days=lane.transit_days_typical),
        departs_on + timedelta(days=lane.transit_days_p90),
    )
