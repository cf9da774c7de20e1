"""Transport network writes: loading the seed network (idempotent upsert by hub code and lane key)."""

import json
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from warehouses.transport.models import ColdChain, Hub, Lane, LaneMode

SEED_NETWORK_PATH = Path(__file__).resolve().parent.parent / "fulfilment" / "data" / "network.json"

# The seed names modes after its sources; the product's modes are the contract's five.
SEED_MODES = {
    "tir_road": LaneMode.TIR,
    "rail": LaneMode.RAIL,
    "road": LaneMode.ROAD,
    "rail_road_intermodal": LaneMode.RAIL_ROAD,
    "rail_sea_rail": LaneMode.RAIL_SEA_RAIL,
}

# The seed has no time zones; these are the zones customs offices and terminals keep. Chinese
# hubs run on Beijing time, Kazakhstan on one zone since 2024, Russia's per region.
HUB_TIMEZONES = {
    "CN": "Asia/Shanghai",
    "KZ": "Asia/Almaty",
    "UZ": "Asia/Tashkent",
    "KG": "Asia/Bishkek",
    "TJ": "Asia/Dushanbe",
    "BY": "Europe/Minsk",
    "AZ": "Asia/Baku",
    "IR": "Asia/Tehran",
    "PK": "Asia/Karachi",
    "MN": "Asia/Ulaanbaatar",
}
RUSSIAN_HUB_TIMEZONES = {"MOW": "Europe/Moscow", "OVB": "Asia/Novosibirsk", "ZAB": "Asia/Chita", "BQS": "Asia/Yakutsk"}

# Winter closures the seed describes in words; made explicit (month-day, inclusive) so the
# planner can test them against a ship date.
SEED_SEASONAL_CLOSURES = {
    ("KHG", "DYU"): [{"from": "12-01", "to": "03-31", "reason": "High-altitude pass closed in winter"}],
}


def _weekdays(departures_per_week: int) -> list[int]:
    """Spread n weekly departures over the week (7 or more: every day)."""
    if departures_per_week >= 7 or departures_per_week <= 0:
        return []
    step = 7 / departures_per_week
    return sorted({int(index * step) for index in range(departures_per_week)})


def _hub_timezone(code: str, country: str) -> str:
    return RUSSIAN_HUB_TIMEZONES.get(code) or HUB_TIMEZONES.get(country, "UTC")


def _lane_fields(raw: dict[str, Any]) -> dict[str, Any]:
    mode = SEED_MODES[raw["mode"]]
    days = raw["transit_days"]
    crossing = raw.get("border_crossing")
    seasonal = raw.get("seasonal")
    closures = SEED_SEASONAL_CLOSURES.get((raw["from"], raw["to"]), [])
    return {
        "distance_km": int(raw["distance_km"]),
        "transit_days_min": int(days["min"]),
        "transit_days_typical": int(days["typical"]),
        "transit_days_p90": int(days["p90"]),
        "departures_per_week": int(raw.get("departures_per_week") or 7),
        "departure_weekdays": _weekdays(int(raw.get("departures_per_week") or 7)),
        # Trucks leave the same evening; block trains close earlier for loading and paperwork.
        "cutoff_time": time(18, 0) if mode in (LaneMode.TIR, LaneMode.ROAD) else time(12, 0),
        "groupage_usd_per_kg": Decimal(str(raw["usd_per_kg"])),
        "full_unit_usd": Decimal(str(raw["usd_per_unit"])),
        "unit_capacity_kg": int(raw["unit_capacity_kg"]),
        "unit_capacity_m3": Decimal(str(raw["unit_capacity_m3"])),
        "cold_chain": ColdChain(raw.get("cold_chain") or "no"),
        "border_crossings": [crossing] if crossing else [],
        "gauge_change": raw.get("gauge_change") or "",
        "customs_borders": int(raw.get("customs_borders") or 0),
        "eaeu_internal": bool(raw.get("eaeu_internal")),
        # A TIR carnet covers a road vehicle (or the road leg of an intermodal move), not rail.
        "tir_eligible": mode in (LaneMode.TIR, LaneMode.RAIL_ROAD),
        "seasonal_closures": closures,
        "advisory": seasonal or "",
        "notes": raw.get("notes") or "",
        "sources": raw.get("source") or [],
        "confidence": raw.get("confidence") or "",
    }


@transaction.atomic
def network_load_seed(*, data: dict[str, Any] | None = None) -> tuple[int, int]:
    """Create or update hubs and lanes from the seed network; running it twice changes nothing."""
    if data is None:
        data = json.loads(SEED_NETWORK_PATH.read_text(encoding="utf-8"))
    hubs: dict[str, Hub] = {}
    for raw in data["hubs"]:
        hub, _ = Hub.objects.update_or_create(
            code=raw["code"],
            defaults={
                "name": raw["name"],
                "country": raw["country"],
                "latitude": Decimal(str(raw["lat"])),
                "longitude": Decimal(str(raw["lon"])),
                "timezone": _hub_timezone(raw["code"], raw["country"]),
                "kind": raw["kind"],
                "notes": raw.get("notes") or "",
            },
        )
        hubs[hub.code] = hub
    for raw in data["lanes"]:
        Lane.objects.update_or_create(
            origin=hubs[raw["from"]],
            destination=hubs[raw["to"]],
            mode=SEED_MODES[raw["mode"]],
            defaults=_lane_fields(raw),
        )
    return len(data["hubs"]), len(data["lanes"])
