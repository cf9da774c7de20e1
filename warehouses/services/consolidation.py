"""Consolidation: book packed outbound shipments waiting at a hub onto the next departure of their lane.

Run every 15 minutes by ``warehouses.tasks.departures_consolidate_task``:

1. **Which shipments.** ``packed`` shipments without a departure unit. Only packed ones: their
   weight and dimensions are measured, so a unit is never booked over its capacity on a catalogue
   guess that the scale later contradicts, and packed goods are the ones that can be loaded.
   Shipments to the country of their own hub go by a domestic courier and are left alone, as
   are shipments no lane can carry (reported in ``ConsolidationOutcome.unroutable``).
2. **Which lane.** The first leg of the planner's best feasible route from the hub to the
   destination country in the shipment's mode (``shipment.mode``, from the order's quote), or of
   its best feasible route when that mode has none today (a seasonal closure, a closed lane).
3. **Which departure.** The planner's ``plan_lane_consolidation``: the first departure whose cut-off
   (in the origin hub's time zone) is still ahead of *now*. A ``Departure`` row is found or created
   per (lane, departure time); it leaves ``DEPARTURE_AFTER_CUTOFF`` after its cut-off.
4. **Which unit.** First-fit decreasing by weight and volume (the planner's
   ``pack_first_fit_decreasing``). Shipments joining a departure that already has units first
   go into the room left in those units (first fit, largest share first); the rest are packed
   into new units. Units are numbered ``TIR-ALA-20261122-01`` (trailers: tir and road lanes) or
   ``CONT-XIY-20261122-01`` (containers: rail and intermodal), counted per hub, kind and day.
5. Each shipment gets its unit, an ETA (departure + typical transit of every leg + transfer days)
   and a tracking event.

Idempotent and safe to run concurrently: shipments are locked with ``select_for_update(
skip_locked=True)`` and only unassigned ones are taken, so a second run assigns nothing twice;
each departure row is locked while units are added to it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from warehouses.fulfilment import Lane as PlannerLane
from warehouses.fulfilment import (
    Network,
    PackedUnit,
    PlannerError,
    QuoteRequest,
    WaitingShipment,
    pack_first_fit_decreasing,
    plan,
    plan_lane_consolidation,
)
from warehouses.models import OutboundShipment, OutboundStatus, ShipmentEvent, ShipmentEventCode
from warehouses.transport.models import Departure, DepartureStatus, DepartureUnit, Hub, Lane, LaneStatus
from warehouses.transport.selectors import network_snapshot, planner_lane, planner_settings

logger = logging.getLogger(__name__)

#: Loading and paperwork after the cut-off before the truck or train leaves.
DEPARTURE_AFTER_CUTOFF = timedelta(hours=4)
#: Tracking code of "booked on a departure".
CONSOLIDATED_EVENT_CODE = ShipmentEventCode.CONSOLIDATED
TRAILER_MODES = frozenset({"tir", "road"})
WAITING_STATUSES = (OutboundStatus.PACKED,)
#: Volume of a packed shipment measured without dimensions: 333 kg per m³ (the chargeable-weight
#: ratio), so it takes as much room as the freight bill assumes.
KG_PER_M3_WHEN_UNMEASURED = Decimal(333)


@dataclass
class ConsolidationOutcome:
    """What one run did: shipments booked, departures and units it opened, and what it left behind."""

    assigned: dict[int, str] = field(default_factory=dict)
    departures_created: int = 0
    units_created: int = 0
    oversized: list[int] = field(default_factory=list)
    unroutable: list[int] = field(default_factory=list)


def unit_prefix(mode: str) -> str:
    return "TIR" if mode in TRAILER_MODES else "CONT"


def shipment_volume_m3(shipment: OutboundShipment) -> Decimal:
    if shipment.length_cm and shipment.width_cm and shipment.height_cm:
        return (shipment.length_cm * shipment.width_cm * shipment.height_cm / Decimal(1_000_000)).quantize(
            Decimal("0.001")
        )
    return (Decimal(shipment.weight_kg or 0) / KG_PER_M3_WHEN_UNMEASURED).quantize(Decimal("0.001"))


@dataclass(frozen=True)
class _Route:
    lane: Lane
    later_legs_days: int


def _route_for(
    shipment: OutboundShipment,
    lanes: dict[tuple[str, str, str], Lane],
    network: Network,
    now: datetime,
    cache: dict[tuple[str, str, str], _Route | None],
) -> _Route | None:
    """First lane of the planner's best route in the shipment's mode (its chosen route if that mode has none)."""
    hub = shipment.warehouse.hub
    mode = shipment.mode or ""
    key = (hub.code, shipment.country, mode)
    if key in cache:
        return cache[key]
    settings_ = planner_settings()
    route: _Route | None = None
    try:
        result = plan(
            network,
            QuoteRequest(origin=hub.code, destination=shipment.country, weight_kg=Decimal(1), ship_date=now),
            settings_,
        )
    except PlannerError:
        result = None
    if result is not None:
        feasible = [option for option in result.options if option.feasible]
        options = [option for option in feasible if option.mode == mode] or feasible
        if options:
            legs = options[0].legs
            lane = lanes.get((legs[0].origin, legs[0].destination, legs[0].mode))
            if lane is not None:
                route = _Route(lane, sum(leg.transit_days + settings_.connection_days for leg in legs[1:]))
    cache[key] = route
    return route


def _waiting_shipments() -> list[OutboundShipment]:
    ids = list(
        OutboundShipment.objects.select_for_update(skip_locked=True)
        .filter(status__in=WAITING_STATUSES, departure_unit__isnull=True)
        .values_list("id", flat=True)
    )
    return list(
        OutboundShipment.objects.filter(id__in=ids).select_related("warehouse__hub").order_by("packed_at", "id")
    )


def _next_unit_number(prefix: str, hub_code: str, departs_at: datetime, zone: Any) -> Iterator[str]:
    stem = f"{prefix}-{hub_code}-{departs_at.astimezone(zone):%Y%m%d}-"
    taken = DepartureUnit.objects.filter(number__startswith=stem).values_list("number", flat=True)
    sequence = max((int(number.rsplit("-", 1)[1]) for number in taken if number.rsplit("-", 1)[1].isdigit()), default=0)
    while True:
        sequence += 1
        yield f"{stem}{sequence:02d}"


@transaction.atomic
def departures_consolidate(*, now: datetime | None = None) -> ConsolidationOutcome:
    """Book every waiting shipment onto a departure unit; see the module docstring."""
    now = now or timezone.now()
    outcome = ConsolidationOutcome()
    Departure.objects.filter(status=DepartureStatus.PLANNED, cutoff_at__lt=now).update(status=DepartureStatus.CLOSED)
    shipments = _waiting_shipments()
    if not shipments:
        return outcome
    network = network_snapshot()
    lanes = {
        (lane.origin.code, lane.destination.code, lane.mode): lane
        for lane in Lane.objects.exclude(status=LaneStatus.CLOSED).select_related("origin", "destination")
    }
    by_lane: dict[int, list[tuple[OutboundShipment, _Route]]] = {}
    routes: dict[tuple[str, str, str], _Route | None] = {}
    for shipment in shipments:
        if shipment.country == shipment.warehouse.hub.country:
            continue  # domestic courier, no departure
        route = _route_for(shipment, lanes, network, now, routes)
        if route is None:
            outcome.unroutable.append(shipment.pk)
            continue
        by_lane.setdefault(route.lane.pk, []).append((shipment, route))

    for group in by_lane.values():
        _consolidate_lane(group, network=network, now=now, outcome=outcome)
    if outcome.oversized or outcome.unroutable:
        logger.warning(
            "consolidation left shipments unassigned: oversized=%s unroutable=%s", outcome.oversized, outcome.unroutable
        )
    return outcome


def _consolidate_lane(
    group: list[tuple[OutboundShipment, _Route]], *, network: Network, now: datetime, outcome: ConsolidationOutcome
) -> None:
    lane = group[0][1].lane
    by_id = {str(shipment.pk): (shipment, route) for shipment, route in group}
    waiting = []
    for shipment, _ in group:
        if not shipment.weight_kg or shipment.weight_kg <= 0:
            outcome.unroutable.append(shipment.pk)  # nothing to load by: needs weighing first
            continue
        waiting.append(WaitingShipment(str(shipment.pk), Decimal(shipment.weight_kg), shipment_volume_m3(shipment)))
    the_lane: PlannerLane = planner_lane(lane)
    plan_ = plan_lane_consolidation(network, the_lane, waiting, now)
    outcome.oversized.extend(int(item.shipment_id) for item in plan_.oversized)
    zone = network.zones[lane.origin.code]
    for load in plan_.departures:
        departure, created = Departure.objects.get_or_create(
            lane=lane,
            departs_at=load.cutoff_at + DEPARTURE_AFTER_CUTOFF,
            defaults={"cutoff_at": load.cutoff_at, "status": DepartureStatus.PLANNED},
        )
        outcome.departures_created += int(created)
        departure = Departure.objects.select_for_update().get(pk=departure.pk)
        shipments = [item for unit in load.units for item in _unit_items(unit, waiting)]
        placements = _place(departure, lane, shipments, zone, outcome)
        for unit, shipment_ids in placements:
            for shipment_id in shipment_ids:
                shipment, route = by_id[shipment_id]
                _book(shipment, unit, departure, lane, route)
                outcome.assigned[shipment.pk] = unit.number


def _unit_items(unit: PackedUnit, waiting: list[WaitingShipment]) -> list[WaitingShipment]:
    wanted = set(unit.shipment_ids)
    return [item for item in waiting if item.shipment_id in wanted]


def _place(
    departure: Departure, lane: Lane, shipments: list[WaitingShipment], zone: Any, outcome: ConsolidationOutcome
) -> list[tuple[DepartureUnit, list[str]]]:
    """Fill the room left in the departure's units first (first fit, largest first), then open new units."""
    capacity_kg, capacity_m3 = Decimal(lane.unit_capacity_kg), Decimal(lane.unit_capacity_m3)
    units = list(departure.units.order_by("number"))
    placed: dict[int, list[str]] = {}
    rest: list[WaitingShipment] = []
    ordered = sorted(
        shipments,
        key=lambda item: (-max(item.weight_kg / capacity_kg, item.volume_m3 / capacity_m3), item.shipment_id),
    )
    for item in ordered:
        for unit in units:
            if (
                unit.loaded_kg + item.weight_kg <= unit.capacity_kg
                and unit.loaded_m3 + item.volume_m3 <= unit.capacity_m3
            ):
                unit.loaded_kg += item.weight_kg
                unit.loaded_m3 += item.volume_m3
                placed.setdefault(unit.pk, []).append(item.shipment_id)
                break
        else:
            rest.append(item)
    result = [(unit, placed[unit.pk]) for unit in units if unit.pk in placed]
    for unit in units:
        if unit.pk in placed:
            unit.save(update_fields=["loaded_kg", "loaded_m3"])
    if rest:
        numbers = _next_unit_number(unit_prefix(lane.mode), lane.origin.code, departure.departs_at, zone)
        packing = pack_first_fit_decreasing(rest, capacity_kg, capacity_m3)
        for packed in packing.units:
            unit = DepartureUnit.objects.create(
                departure=departure,
                number=next(numbers),
                capacity_kg=lane.unit_capacity_kg,
                capacity_m3=lane.unit_capacity_m3,
                loaded_kg=packed.weight_kg,
                loaded_m3=packed.volume_m3,
            )
            outcome.units_created += 1
            result.append((unit, list(packed.shipment_ids)))
    return result


def _book(shipment: OutboundShipment, unit: DepartureUnit, departure: Departure, lane: Lane, route: _Route) -> None:
    eta = departure.departs_at + timedelta(days=lane.transit_days_typical + route.later_legs_days)
    updated = OutboundShipment.objects.filter(
        pk=shipment.pk, departure_unit__isnull=True, status__in=WAITING_STATUSES
    ).update(departure_unit=unit, eta=eta, updated_at=timezone.now())
    if updated != 1:  # pragma: no cover - the row is locked by this transaction
        raise RuntimeError(f"shipment {shipment.pk} changed while being consolidated")
    hub: Hub = lane.origin
    zone = ZoneInfo(hub.timezone)
    ShipmentEvent.objects.create(
        shipment=shipment,
        code=CONSOLIDATED_EVENT_CODE,
        location=hub.name,
        note=(
            f"Booked on {unit.number}: {lane.mode} {hub.code}→{lane.destination.code}, departs "
            f"{departure.departs_at.astimezone(zone):%Y-%m-%d %H:%M} {hub.timezone} "
            f"(cut-off {departure.cutoff_at.astimezone(zone):%H:%M}), ETA {eta.astimezone(zone):%Y-%m-%d}"
        ),
    )
