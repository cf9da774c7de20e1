"""Transport network writes: loading a version of the network data (idempotent upsert by hub code and lane key).

The data is read by the planner's own loader (``network_from_seed(load_network_data(), load_overlay())``)
so there is one interpretation of ``network.json``, the region's lanes and the overlay (time zones,
weekdays, cut-offs, transit countries, seasonal closures, return directions); the rows are written
from the planner's objects, field for field, and ``selectors.planner_lane`` maps them back. Both
directions of a two-way lane are rows, so departures can be booked either way.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import DomainError
from core.money import Money
from core.reference import COUNTRIES_BY_CODE
from core.services import ExchangeRateMissing
from warehouses.fulfilment import Hub as PlannerHub
from warehouses.fulfilment import Lane as PlannerLane
from warehouses.fulfilment.network import MODE_ALIASES
from warehouses.fulfilment.seed import load_network_data, load_overlay, network_from_seed
from warehouses.transport.models import SHARED_LANE_FIELDS, DeliveryEstimate, Hub, HubKind, Lane
from warehouses.transport.selectors import backhaul_factor, network_snapshot, planner_settings, route_quote_on


@dataclass(frozen=True, slots=True)
class NetworkLoad:
    """What loading a version of the network data did: rows in the data, and rows written."""

    hubs: int
    lanes: int
    created: int
    updated: int

    @property
    def counts(self) -> tuple[int, int]:
        return self.hubs, self.lanes


logger = logging.getLogger(__name__)


def _hub_fields(hub: PlannerHub, raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": hub.name,
        "country": hub.country,
        "latitude": Decimal(repr(hub.lat)),
        "longitude": Decimal(repr(hub.lon)),
        "timezone": hub.timezone,
        "kind": hub.kind,
        "notes": raw.get("notes") or "",
    }


def _lane_fields(lane: PlannerLane, raw: dict[str, Any]) -> dict[str, Any]:
    # A daily service is stored as an empty weekday list ("every day"), as the admin help says.
    weekdays = [] if len(lane.departure_weekdays) == 7 else list(lane.departure_weekdays)
    priced_by_backhaul = lane.backhaul_factor is not None
    return {
        "distance_km": int(lane.distance_km),
        "transit_days_min": lane.transit_days_min,
        "transit_days_typical": lane.transit_days_typical,
        "transit_days_p90": lane.transit_days_p90,
        "departures_per_week": lane.departures_per_week,
        "departure_weekdays": weekdays,
        "cutoff_time": lane.cutoff_local,
        # A backhaul-priced return row stores no price: the setting prices it when the network is built.
        "groupage_usd_per_kg": None if priced_by_backhaul else lane.usd_per_kg,
        "full_unit_usd": None if priced_by_backhaul else lane.usd_per_unit,
        "unit_capacity_kg": int(lane.unit_capacity_kg),
        "unit_capacity_m3": Decimal(repr(lane.unit_capacity_m3)),
        "cold_chain": str(lane.cold_chain),
        "border_crossings": list(lane.border_crossings),
        "gauge_change": lane.gauge_change or "",
        "customs_borders": lane.customs_borders,
        "eaeu_internal": lane.eaeu_internal,
        "tir_eligible": lane.tir_eligible,
        "transit_countries": list(lane.transit_countries),
        "seasonal_closures": [
            {
                "from": f"{closure.start_month:02d}-{closure.start_day:02d}",
                "to": f"{closure.end_month:02d}-{closure.end_day:02d}",
                "reason": closure.note,
            }
            for closure in lane.seasonal_closures
        ],
        "effective_from": lane.effective_from,
        "effective_to": lane.effective_to,
        "status": str(lane.status),
        "advisory": lane.advisory,
        "notes": raw.get("notes") or "",
        "sources": raw.get("source") or [],
        "confidence": raw.get("confidence") or "",
        "two_way": lane.two_way,
    }


def _return_raw(outbound: dict[str, Any]) -> dict[str, Any]:
    """Notes, sources and confidence of a return direction: its own, or said to follow the outbound's."""
    given = outbound.get("return") or {}
    notes = given.get("notes") or (
        f"Return direction of {outbound['from']}→{outbound['to']}: the same road or track and the same days; "
        "no price of its own, so the outbound price × the backhaul factor."
    )
    return {
        "notes": notes,
        "source": given.get("source") or outbound.get("source") or [],
        "confidence": given.get("confidence") or outbound.get("confidence") or "",
    }


def _lane_key(origin: str, destination: str, mode: str) -> tuple[str, str, str]:
    return origin, destination, MODE_ALIASES.get(mode, mode)


def network_load_seed(*, data: dict[str, Any] | None = None, overlay: dict[str, Any] | None = None) -> tuple[int, int]:
    """Load the packaged network data (or ``data``); returns (hubs, directed lanes). See ``network_load``."""
    return network_load(data=data, overlay=overlay).counts


@transaction.atomic
def network_load(
    *, data: dict[str, Any] | None = None, overlay: dict[str, Any] | None = None, dry_run: bool = False
) -> NetworkLoad:
    """Create or update hubs and lanes (both directions) from a version of the network data.

    ``data`` is network.json-shaped (``countries``, ``extra_countries``, ``hubs``, ``lanes`` whose rows
    may say ``two_way`` and carry a ``return``); by default the packaged seed merged with the region's
    lanes. The planner's own reader validates it first, so a broken file changes nothing. Rows are
    only written when a field differs, so a second run leaves ``updated_at`` (and with it the
    planner snapshot and the delivery estimates) alone. ``dry_run`` rolls everything back.
    """
    data = load_network_data() if data is None else data
    network = network_from_seed(data, load_overlay() if overlay is None else overlay, backhaul_factor=backhaul_factor())
    raw_hubs = {row["code"]: row for row in data["hubs"]}
    raw_lanes = {_lane_key(row["from"], row["to"], row["mode"]): row for row in data["lanes"]}
    written = {"created": 0, "updated": 0}

    existing_hubs = {hub.code: hub for hub in Hub.objects.select_for_update().filter(code__in=raw_hubs)}
    hubs: dict[str, Hub] = {}
    for code, planner_hub in network.hubs.items():
        hubs[code] = _upsert(
            Hub, existing_hubs.get(code), {"code": code}, _hub_fields(planner_hub, raw_hubs[code]), written
        )

    existing_lanes = {
        (lane.origin.code, lane.destination.code, lane.mode): lane
        for lane in Lane.objects.select_for_update()
        .filter(origin__code__in=raw_hubs)
        .select_related("origin", "destination")
    }
    outbound_rows: dict[tuple[str, str, str], Lane] = {}
    # Outbound directions first: each return row points at its outbound row.
    for planner_lane in sorted(network.lanes, key=lambda lane: lane.is_return):
        key = (planner_lane.origin, planner_lane.destination, planner_lane.mode)
        identity: dict[str, Any] = {"origin": hubs[key[0]], "destination": hubs[key[1]], "mode": key[2]}
        if planner_lane.is_return:
            outbound_key = (key[1], key[0], key[2])
            raw = _return_raw(raw_lanes[outbound_key])
            fields = {**_lane_fields(planner_lane, raw), "reverse_of": outbound_rows[outbound_key]}
        else:
            fields = {**_lane_fields(planner_lane, raw_lanes[key]), "reverse_of": None}
        row = _upsert(Lane, existing_lanes.get(key), identity, fields, written)
        if not planner_lane.is_return:
            outbound_rows[key] = row
    if dry_run:
        transaction.set_rollback(True)
    return NetworkLoad(
        hubs=len(network.hubs), lanes=len(network.lanes), created=written["created"], updated=written["updated"]
    )


def _upsert(model: Any, row: Any, identity: dict[str, Any], fields: dict[str, Any], written: dict[str, int]) -> Any:
    if row is None:
        written["created"] += 1
        return model.objects.create(**identity, **fields)
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, fields[name])
        row.full_clean(
            exclude=["origin", "destination", "reverse_of"] if model is Lane else None, validate_unique=False
        )
        row.save()
        written["updated"] += 1
    return row


@transaction.atomic
def lane_return_sync(*, lane: Lane) -> Lane | None:
    """Give a two-way outbound lane its return row, and copy the shared facts (``SHARED_LANE_FIELDS``) onto it.

    The admin calls this after a lane is saved: a new lane gets its return direction (same days
    and cold chain, priced by the backhaul factor), and an edited road or border applies both ways.
    Returns the return row, or None for a return row itself and for a one-way lane without one.
    """
    if lane.is_return:
        return None
    existing = Lane.objects.select_for_update().filter(reverse_of=lane).first()
    shared = {name: getattr(lane, name) for name in SHARED_LANE_FIELDS}
    shared["border_crossings"] = list(reversed(lane.border_crossings or []))
    shared["transit_countries"] = list(reversed(lane.transit_countries or []))
    if existing is None:
        if not lane.two_way:
            return None
        return Lane.objects.create(
            origin=lane.destination,
            destination=lane.origin,
            mode=lane.mode,
            reverse_of=lane,
            transit_days_min=lane.transit_days_min,
            transit_days_typical=lane.transit_days_typical,
            transit_days_p90=lane.transit_days_p90,
            departures_per_week=lane.departures_per_week,
            departure_weekdays=list(lane.departure_weekdays or []),
            cutoff_time=lane.cutoff_time,
            cold_chain=lane.cold_chain,
            status=lane.status,
            notes=f"Return direction of {lane}: priced by the backhaul factor until it gets prices of its own.",
            **shared,
        )
    changed = [name for name, value in shared.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, shared[name])
        existing.save(update_fields=[*changed, "updated_at"])
    return existing


# --- Delivery estimates for the catalog -------------------------------------------------------

#: The reference parcel an estimate is priced for: 10 kg in 0.03 m³ (its volumetric weight,
#: 9.99 kg, stays under the real weight, so the price per kg is the price of a real kilogram),
#: declared at $200, not perishable, cheapest route, shipped today. A typical marketplace order.
REFERENCE_PARCEL_KG = Decimal("10")
REFERENCE_PARCEL_M3 = Decimal("0.03")
REFERENCE_PARCEL_VALUE_USD = Decimal("200")


def estimate_origin_hubs() -> list[Hub]:
    """Hubs goods are shipped from: every hub with a warehouse, every origin hub and overseas warehouse city."""
    has_warehouse = Q(warehouses__isnull=False) if _hub_has_warehouses() else Q(pk__in=[])
    return list(
        Hub.objects.filter(has_warehouse | Q(kind__in=[HubKind.ORIGIN_HUB, HubKind.OVERSEAS_WAREHOUSE]))
        .distinct()
        .order_by("code")
    )


def _hub_has_warehouses() -> bool:
    return any(relation.name == "warehouses" for relation in Hub._meta.related_objects)


def estimate_destination_countries() -> list[str]:
    """SCO countries (members and partners) with at least one hub: the countries the platform delivers to."""
    countries = Hub.objects.order_by("country").values_list("country", flat=True).distinct()
    return sorted(code for code in countries if code in COUNTRIES_BY_CODE)


def delivery_estimates_recompute(*, on: date | None = None) -> int:
    """Recompute every (origin hub, destination country) estimate with the planner; returns rows kept.

    Cheapest feasible route for the reference parcel above; pairs with no feasible route lose
    their row. Idempotent: same network and day, same rows. Without exchange rates (the planner
    needs EUR) nothing can be quoted: the estimates are kept as they are and none is recomputed.
    """
    on = on or timezone.localdate()
    now = timezone.now()
    countries = estimate_destination_countries()
    kept: set[tuple[int, str]] = set()
    try:
        settings_ = planner_settings()
    except ExchangeRateMissing as error:
        logger.warning("delivery estimates not recomputed: %s", error)
        return DeliveryEstimate.objects.count()
    network = network_snapshot()
    with transaction.atomic():
        for hub in estimate_origin_hubs():
            for country in countries:
                try:
                    quote = route_quote_on(
                        network,
                        settings_,
                        origin_hub=hub.code,
                        destination_country=country,
                        weight_kg=REFERENCE_PARCEL_KG,
                        volume_m3=REFERENCE_PARCEL_M3,
                        declared_value=Money(REFERENCE_PARCEL_VALUE_USD, "USD"),
                        ship_date=on,
                    )
                except DomainError:
                    continue
                DeliveryEstimate.objects.update_or_create(
                    origin_hub=hub,
                    destination_country=country,
                    defaults={
                        "days_min": quote.transit_days_min,
                        "days_max": quote.transit_days_max,
                        "mode": quote.mode,
                        "usd_per_kg": (quote.cost.amount / REFERENCE_PARCEL_KG).quantize(Decimal("0.0001")),
                        "computed_at": now,
                    },
                )
                kept.add((hub.pk, country))
        for estimate in DeliveryEstimate.objects.all().only("id", "origin_hub_id", "destination_country"):
            if (estimate.origin_hub_id, estimate.destination_country) not in kept:
                estimate.delete()
    return len(kept)
