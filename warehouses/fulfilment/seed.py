"""Build a Network from network.json, the region's own lanes and the overlay, for tests, benchmarks and seeding.

Lanes are two-way unless their data says `"two_way": false`: `with_return_directions` adds the
return direction of each, with the numbers of the lane's `return` object where the data has them
and the backhaul factor where it has no price (see DATA_DIRECTORY/README.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .errors import NetworkError
from .network import (
    DEFAULT_BACKHAUL_FACTOR,
    ColdChain,
    Country,
    Hub,
    Lane,
    LaneStatus,
    Network,
    ReturnDirection,
    SeasonalClosure,
    normalise_mode,
    with_return_directions,
)

DATA_DIRECTORY = Path(__file__).resolve().parent / "data"
SEED_PATH = DATA_DIRECTORY / "network.json"
OVERLAY_PATH = DATA_DIRECTORY / "network_overlay.json"
REGION_PATH = DATA_DIRECTORY / "network_region.json"

# Seed border texts separate crossings with "; " or ", " (a comma before a capitalised name).
_CROSSING_SEPARATOR = re.compile(r";\s*|,\s+(?=[A-Z])")


def spread_weekdays(departures_per_week: int) -> tuple[int, ...]:
    """Weekdays (0 = Monday) for n departures a week, spread evenly from Monday."""
    count = min(max(departures_per_week, 1), 7)
    return tuple(sorted({(index * 7) // count for index in range(count)}))


def parse_border_crossings(text: str | None) -> tuple[str, ...]:
    """Split a seed border text into crossings; "(already transshipped...)" and "none" mean none."""
    if not text or text.startswith("(") or text.lower().startswith("none"):
        return ()
    # Separators inside parentheses ("Korday - Ak-Zhol (KZ-KG, EAEU internal)") are not splits.
    parts, start, depth = [], 0, 0
    for position, character in enumerate(text):
        if character == "(":
            depth += 1
        elif character == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and character in ";,":
            separator = _CROSSING_SEPARATOR.match(text, position)
            if separator:
                parts.append(text[start:position])
                start = separator.end()
    parts.append(text[start:])
    return tuple(part.strip() for part in parts if part.strip())


def _parse_time(value: str) -> time:
    hours, minutes = (int(part) for part in value.split(":"))
    return time(hours, minutes)


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _countries(seed: Mapping[str, Any], overlay: Mapping[str, Any]) -> list[Country]:
    not_party_markers = tuple(marker.lower() for marker in overlay.get("tir_text_meaning_not_party", ()))
    rows = [*seed.get("countries", ()), *seed.get("extra_countries", ()), *overlay.get("extra_countries", ())]
    seen: dict[str, Country] = {}
    for row in rows:
        tir = row.get("tir")
        if isinstance(tir, bool):
            is_tir_party = tir
        else:
            text = (tir or "").strip().lower()
            is_tir_party = bool(text) and not text.startswith(not_party_markers)
        # network.json rows come first, so an overlay row never replaces real seed data.
        seen.setdefault(
            row["iso2"],
            Country(
                iso2=row["iso2"],
                name=row["name"],
                is_tir_party=is_tir_party,
                is_eaeu_member=bool(row.get("eaeu_member", False)),
            ),
        )
    return list(seen.values())


def _hubs(seed: Mapping[str, Any], overlay: Mapping[str, Any]) -> list[Hub]:
    hub_zones: Mapping[str, str] = overlay.get("hub_timezones", {})
    country_zones: Mapping[str, str] = overlay.get("country_timezones", {})
    hubs = []
    for row in seed["hubs"]:
        zone = row.get("timezone") or hub_zones.get(row["code"]) or country_zones.get(row["country"])
        if not zone:
            raise NetworkError(f"hub {row['code']}: no time zone in the seed or overlay", field="timezone")
        hubs.append(
            Hub(
                code=row["code"],
                name=row["name"],
                country=row["country"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                timezone=zone,
                kind=row.get("kind", "hub"),
            )
        )
    return hubs


def _closures(rows: Sequence[Mapping[str, str]]) -> tuple[SeasonalClosure, ...]:
    return tuple(SeasonalClosure.parse(row["from"], row["to"], row.get("note", "")) for row in rows)


def lane_key(row: Mapping[str, Any]) -> str:
    """A data row's key as the data spells it: FROM-TO-mode (e.g. ``ALA-TAS-tir_road``)."""
    return f"{row['from']}-{row['to']}-{row['mode']}"


def _return_direction(row: Mapping[str, Any]) -> ReturnDirection:
    """The `return` object of a lane row: only what differs from the outbound direction."""
    days = row.get("transit_days") or {}
    weekdays = row.get("departure_weekdays")
    if weekdays is None and row.get("departures_per_week") is not None:
        weekdays = spread_weekdays(int(row["departures_per_week"]))
    return ReturnDirection(
        transit_days_min=days.get("min"),
        transit_days_typical=days.get("typical"),
        transit_days_p90=days.get("p90"),
        departure_weekdays=tuple(weekdays) if weekdays is not None else None,
        cutoff_local=_parse_time(row["cutoff_local"]) if row.get("cutoff_local") else None,
        usd_per_kg=row.get("usd_per_kg"),
        usd_per_unit=row.get("usd_per_unit"),
        cold_chain=ColdChain(row["cold_chain"]) if row.get("cold_chain") else None,
        status=LaneStatus(row["status"]) if row.get("status") else None,
        advisory=row.get("advisory"),
    )


def _lane(row: Mapping[str, Any], overlay: Mapping[str, Any]) -> Lane:
    seed_mode = row["mode"]
    mode = normalise_mode(seed_mode)
    key = f"{row['from']}-{row['to']}-{seed_mode}"
    weekday_override = overlay.get("lane_departure_weekdays", {}).get(key)
    if "departure_weekdays" in row:
        weekdays = tuple(row["departure_weekdays"])
    elif weekday_override:
        weekdays = tuple(weekday_override["weekdays"])
    else:
        weekdays = spread_weekdays(int(row.get("departures_per_week", 7)))
    cutoff = row.get("cutoff_local") or overlay.get("cutoff_local_by_mode", {}).get(mode, "12:00")
    closures_data = row.get("seasonal_closures") or overlay.get("lane_seasonal_closures", {}).get(key, ())
    closures = _closures(closures_data)
    seasonal_text = row.get("seasonal")
    advisory = row.get("advisory") or ""
    if seasonal_text and not closures and not advisory:
        # No dated closure is known, so the seasonal risk becomes an advisory people can read.
        advisory = str(seasonal_text)
    transit_days = row["transit_days"]
    return Lane(
        origin=row["from"],
        destination=row["to"],
        mode=mode,
        distance_km=float(row["distance_km"]),
        transit_days_min=int(transit_days["min"]),
        transit_days_typical=int(transit_days["typical"]),
        transit_days_p90=int(transit_days["p90"]),
        departure_weekdays=weekdays,
        cutoff_local=_parse_time(cutoff),
        usd_per_kg=row["usd_per_kg"],
        usd_per_unit=row["usd_per_unit"],
        unit_capacity_kg=float(row["unit_capacity_kg"]),
        unit_capacity_m3=float(row["unit_capacity_m3"]),
        cold_chain=ColdChain(row.get("cold_chain") or "no"),
        border_crossings=parse_border_crossings(row.get("border_crossing")),
        gauge_change=row.get("gauge_change"),
        customs_borders=int(row.get("customs_borders") or 0),
        eaeu_internal=bool(row.get("eaeu_internal", False)),
        tir_eligible=bool(row.get("tir_eligible", mode == "tir")),
        transit_countries=tuple(row.get("transit_countries") or overlay.get("lane_transit_countries", {}).get(key, ())),
        seasonal_closures=closures,
        effective_from=_parse_date(row.get("effective_from")),
        effective_to=_parse_date(row.get("effective_to")),
        status=LaneStatus(row.get("status") or LaneStatus.OPEN),
        advisory=advisory,
        two_way=bool(row.get("two_way", True)),
    )


def network_from_seed(
    seed: Mapping[str, Any],
    overlay: Mapping[str, Any] | None = None,
    *,
    backhaul_factor: Decimal = DEFAULT_BACKHAUL_FACTOR,
) -> Network:
    """Build a Network from the network.json structure; `overlay` defaults to the packaged one.

    Each lane row may say `"two_way": false`, and carry a `return` object with the return
    direction's own days, departures, prices, cold chain and status.
    """
    merged_overlay = load_overlay() if overlay is None else overlay
    lanes = [_lane(row, merged_overlay) for row in seed["lanes"]]
    returns = {
        lane.key: _return_direction(row["return"])
        for lane, row in zip(lanes, seed["lanes"], strict=True)
        if row.get("return")
    }
    return Network.build(
        hubs=_hubs(seed, merged_overlay),
        lanes=with_return_directions(lanes, returns=returns, backhaul_factor=backhaul_factor),
        countries=_countries(seed, merged_overlay),
    )


def load_seed_data() -> dict[str, Any]:
    """The packaged copy of network.json as a dict."""
    data: dict[str, Any] = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    return data


def load_region_data() -> dict[str, Any]:
    """The region's own lanes (network_region.json), researched beside the seed."""
    data: dict[str, Any] = json.loads(REGION_PATH.read_text(encoding="utf-8"))
    return data


def merge_network_data(seed: Mapping[str, Any], region: Mapping[str, Any]) -> dict[str, Any]:
    """One network.json-shaped dict: the seed's rows (with the region's `returns` and `one_way`
    notes attached to them) followed by the region's own hubs and lanes."""
    returns: Mapping[str, Any] = region.get("returns", {})
    one_way: Mapping[str, Any] = region.get("one_way", {})
    seed_keys = {lane_key(row) for row in seed["lanes"]}
    unknown = (set(returns) | set(one_way)) - seed_keys
    if unknown:
        raise NetworkError(f"region data refers to unknown seed lanes: {', '.join(sorted(unknown))}", field="lanes")
    lanes: list[dict[str, Any]] = []
    for row in seed["lanes"]:
        merged = dict(row)
        key = lane_key(row)
        if key in returns:
            merged["return"] = returns[key]
        if key in one_way:
            merged["two_way"] = False
            merged["one_way_reason"] = one_way[key]
        lanes.append(merged)
    lanes.extend(dict(row) for row in region.get("lanes", ()))
    return {
        "countries": list(seed.get("countries", ())),
        "extra_countries": [*seed.get("extra_countries", ()), *region.get("extra_countries", ())],
        "hubs": [*seed["hubs"], *region.get("hubs", ())],
        "lanes": lanes,
    }


def load_network_data() -> dict[str, Any]:
    """The packaged network data: network.json merged with network_region.json."""
    return merge_network_data(load_seed_data(), load_region_data())


@cache
def load_overlay() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OVERLAY_PATH.read_text(encoding="utf-8"))
    return data


@cache
def load_seed_network() -> Network:
    """The packaged network (seed + region lanes, both directions), built once per process.

    Networks are immutable, so sharing one is safe.
    """
    return network_from_seed(load_network_data())
