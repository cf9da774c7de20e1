"""Transport network writes: loading the seed network (idempotent upsert by hub code and lane key).

The seed is read by the planner's own loader (``network_from_seed(load_seed_data(), load_overlay())``)
so there is one interpretation of ``network.json`` and its overlay (time zones, weekdays, cut-offs,
transit countries, seasonal closures); the rows are written from the planner's objects, field for
field, and ``selectors.planner_lane`` maps them back.
"""

import logging
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
from warehouses.fulfilment.seed import load_overlay, load_seed_data, network_from_seed
from warehouses.transport.models import DeliveryEstimate, Hub, HubKind, Lane
from warehouses.transport.selectors import network_snapshot, planner_settings, route_quote_on

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
    return {
        "distance_km": int(lane.distance_km),
        "transit_days_min": lane.transit_days_min,
        "transit_days_typical": lane.transit_days_typical,
        "transit_days_p90": lane.transit_days_p90,
        "departures_per_week": lane.departures_per_week,
        "departure_weekdays": weekdays,
        "cutoff_time": lane.cutoff_local,
        "groupage_usd_per_kg": lane.usd_per_kg,
        "full_unit_usd": lane.usd_per_unit,
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
    }


def _lane_key(origin: str, destination: str, mode: str) -> tuple[str, str, str]:
    return origin, destination, MODE_ALIASES.get(mode, mode)


@transaction.atomic
def network_load_seed(*, data: dict[str, Any] | None = None, overlay: dict[str, Any] | None = None) -> tuple[int, int]:
    """Create or update hubs and lanes from the seed network; running it twice changes nothing.

    Rows are only written when a field differs, so a second run leaves ``updated_at`` (and with
    it the planner snapshot and the delivery estimates) alone. Returns (hubs, lanes) in the seed.
    """
    data = load_seed_data() if data is None else data
    network = network_from_seed(data, load_overlay() if overlay is None else overlay)
    raw_hubs = {row["code"]: row for row in data["hubs"]}
    raw_lanes = {_lane_key(row["from"], row["to"], row["mode"]): row for row in data["lanes"]}

    existing_hubs = {hub.code: hub for hub in Hub.objects.select_for_update().filter(code__in=raw_hubs)}
    hubs: dict[str, Hub] = {}
    for code, planner_hub in network.hubs.items():
        hubs[code] = _upsert(Hub, existing_hubs.get(code), {"code": code}, _hub_fields(planner_hub, raw_hubs[code]))

    existing_lanes = {
        (lane.origin.code, lane.destination.code, lane.mode): lane
        for lane in Lane.objects.select_for_update()
        .filter(origin__code__in=raw_hubs)
        .select_related("origin", "destination")
    }
    for planner_lane in network.lanes:
        key = (planner_lane.origin, planner_lane.destination, planner_lane.mode)
        _upsert(
            Lane,
            existing_lanes.get(key),
            {"origin": hubs[planner_lane.origin], "destination": hubs[planner_lane.destination], "mode": key[2]},
            _lane_fields(planner_lane, raw_lanes[key]),
        )
    return len(network.hubs), len(network.lanes)


def _upsert(model: Any, row: Any, identity: dict[str, Any], fields: dict[str, Any]) -> Any:
    if row is None:
        return model.objects.create(**identity, **fields)
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, fields[name])
        row.full_clean(exclude=["origin", "destination"] if model is Lane else None, validate_unique=False)
        row.save()
    return row


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
