"""Benchmark the fulfilment planner: quotes per second and latency on the seed and a 500-hub network.

Run from the repository root: `python bench/bench_fulfilment.py [--quotes N] [--seed S]`.
Single process, no Django. Prints figures only; nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import random
import statistics
import sys
from collections.abc import Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warehouses.fulfilment import (  # the path must be set first
    ColdChain,
    Country,
    Hub,
    Lane,
    Network,
    PlannerError,
    PlannerSettings,
    QuoteRequest,
    load_seed_network,
    plan,
)
from warehouses.fulfilment.routes import find_routes

#: The planner has no exchange rates of its own; the benchmark's requests are in USD, and EUR is
#: needed for the TIR guarantee (indicative values, like core's offline seed).
RATES = {"USD": Decimal(1), "EUR": Decimal("1.087")}
SETTINGS = PlannerSettings(usd_per_currency=RATES)

COUNTRIES = [
    ("CN", "Asia/Shanghai", (30.0, 115.0), True),
    ("KZ", "Asia/Almaty", (48.0, 68.0), True),
    ("UZ", "Asia/Tashkent", (41.0, 64.0), True),
    ("KG", "Asia/Bishkek", (41.5, 74.5), True),
    ("TJ", "Asia/Dushanbe", (38.8, 71.0), True),
    ("RU", "Europe/Moscow", (55.0, 50.0), True),
    ("BY", "Europe/Minsk", (53.5, 28.0), True),
    ("MN", "Asia/Ulaanbaatar", (47.0, 104.0), True),
    ("AZ", "Asia/Baku", (40.3, 48.0), True),
    ("IR", "Asia/Tehran", (33.0, 53.0), True),
    ("PK", "Asia/Karachi", (30.0, 70.0), True),
    ("IN", "Asia/Kolkata", (22.0, 79.0), True),
    ("AF", "Asia/Kabul", (34.0, 66.0), True),
    ("TR", "Europe/Istanbul", (39.0, 35.0), True),
    ("AM", "Asia/Yerevan", (40.2, 44.5), True),
    ("LA", "Asia/Vientiane", (19.0, 102.5), False),
    ("MM", "Asia/Yangon", (21.0, 96.0), False),
    ("NP", "Asia/Kathmandu", (28.2, 84.0), False),
    ("AE", "Asia/Dubai", (24.5, 54.5), True),
    ("SA", "Asia/Riyadh", (24.0, 45.0), False),
]
ROAD_MODES = ("tir", "road")
LONG_HAUL_MODES = ("rail", "rail", "rail_road", "tir", "rail_sea_rail")


def distance_km(first: Hub, second: Hub) -> float:
    """Great-circle distance with a 1.2 detour factor, as network.json's derived lanes use."""
    lat1, lon1, lat2, lon2 = map(math.radians, (first.lat, first.lon, second.lat, second.lon))
    arc = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 1.2 * 2 * 6371 * math.asin(math.sqrt(arc))


def make_lane(origin: Hub, destination: Hub, mode: str, rng: random.Random) -> Lane:
    """A lane priced with the seed's cost models (network.json `_meta.cost_models`)."""
    km = max(distance_km(origin, destination), 20.0)
    crossing = origin.country != destination.country
    is_road = mode in ROAD_MODES
    speed = 450 if is_road else 600
    typical = max(1, round(km / speed)) + (1 if crossing and is_road else 0) + (3 if crossing and not is_road else 0)
    if is_road:
        unit = 600 + 1.15 * km
        per_kg = max(0.12, 3 * unit / 20000)
        capacity = (20000.0, 86.0)
        weekdays = tuple(range(7))
    else:
        unit = 1800 + 0.40 * km + (1500 if mode == "rail_sea_rail" else 0)
        per_kg = 0.15 + 0.00011 * km
        capacity = (26500.0, 76.0)
        weekdays = tuple(sorted(rng.sample(range(7), rng.choice((1, 2, 3, 7)))))
    return Lane(
        origin=origin.code,
        destination=destination.code,
        mode=mode,
        distance_km=round(km),
        transit_days_min=max(1, typical - 2),
        transit_days_typical=typical,
        transit_days_p90=typical + max(1, round(typical * rng.uniform(0.3, 1.2))),
        departure_weekdays=weekdays,
        cutoff_local=_cutoff(is_road),
        usd_per_kg=Decimal(f"{per_kg:.2f}"),
        usd_per_unit=Decimal(f"{unit:.0f}"),
        unit_capacity_kg=capacity[0],
        unit_capacity_m3=capacity[1],
        cold_chain=ColdChain.YES if is_road else rng.choice((ColdChain.LIMITED, ColdChain.NO)),
        border_crossings=(f"{origin.country}-{destination.country}",) if crossing else (),
        customs_borders=1 if crossing else 0,
        tir_eligible=mode == "tir",
    )


def _cutoff(is_road: bool) -> time:
    return time(18, 0) if is_road else time(12, 0)


def generate_network(hub_count: int = 500, lane_count: int = 5000, seed: int = 7) -> Network:
    """Hubs clustered around country centroids; each hub gets lanes to its nearest neighbours by
    road (the regional mesh) and a few long-haul rail, intermodal or TIR lanes to random hubs."""
    rng = random.Random(seed)
    hubs = []
    for number in range(hub_count):
        iso2, zone, (lat, lon), _ = COUNTRIES[number % len(COUNTRIES)]
        hubs.append(Hub(f"H{number:03d}", f"Hub {number}", iso2, lat + rng.gauss(0, 3), lon + rng.gauss(0, 4), zone))
    lanes: list[Lane] = []
    seen: set[tuple[str, str, str]] = set()
    per_hub = lane_count // hub_count
    local_links = per_hub * 6 // 10
    for origin in hubs:
        nearest = sorted((hub for hub in hubs if hub is not origin), key=lambda hub: distance_km(origin, hub))
        targets = [(hub, rng.choice(ROAD_MODES)) for hub in nearest[:local_links]]
        while len(targets) < per_hub:
            targets.append((rng.choice(hubs), rng.choice(LONG_HAUL_MODES)))
        for destination, mode in targets:
            key = (origin.code, destination.code, mode)
            if destination is origin or key in seen:
                continue
            seen.add(key)
            lanes.append(make_lane(origin, destination, mode, rng))
    while len(lanes) < lane_count:
        origin, destination = rng.sample(hubs, 2)
        mode = rng.choice(LONG_HAUL_MODES)
        if (origin.code, destination.code, mode) not in seen:
            seen.add((origin.code, destination.code, mode))
            lanes.append(make_lane(origin, destination, mode, rng))
    countries = [Country(iso2, f"Country {iso2}", is_tir) for iso2, _, _, is_tir in COUNTRIES]
    return Network.build(hubs=hubs, lanes=lanes[:lane_count], countries=countries)


def random_requests(network: Network, count: int, rng: random.Random, *, routable_only: bool) -> list[QuoteRequest]:
    """A mix of parcels, groupage and full loads; 20% perishable, 30% with a deadline, 30% to a country."""
    codes = sorted(network.hubs)
    countries = sorted(network.hubs_by_country)
    requests: list[QuoteRequest] = []
    attempts = 0
    while len(requests) < count and attempts < count * 50:
        attempts += 1
        origin = rng.choice(codes)
        destination = rng.choice(countries) if rng.random() < 0.3 else rng.choice(codes)
        if destination == origin:
            continue
        if routable_only:
            targets = {destination} if destination in network.hubs else set(network.hubs_by_country[destination])
            if not find_routes(network, origin, targets - {origin}, 3):
                continue
        weight = rng.choice((5, 80, 1200, 6000, 18000, 24000))
        requests.append(
            QuoteRequest(
                origin=origin,
                destination=destination,
                weight_kg=weight,
                volume_m3=round(weight / rng.uniform(150, 600), 1),
                declared_value=Decimal(rng.randrange(100, 400_000)),
                perishable=rng.random() < 0.2,
                deadline_days=rng.randrange(5, 30) if rng.random() < 0.3 else None,
                ship_date=date(2026, 1, 1) + timedelta(days=rng.randrange(365)),
                preference="fastest" if rng.random() < 0.2 else "cheapest",
            )
        )
    return requests


def measure(
    network: Network, requests: Sequence[QuoteRequest], settings: PlannerSettings = SETTINGS
) -> dict[str, float]:
    for request in requests[:50]:  # warm caches and the interpreter's specialisations
        _quote(network, request, settings)
    latencies = []
    started = perf_counter()
    for request in requests:
        begin = perf_counter()
        _quote(network, request, settings)
        latencies.append(perf_counter() - begin)
    elapsed = perf_counter() - started
    latencies.sort()
    return {
        "quotes": len(requests),
        "per_second": len(requests) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


def _quote(network: Network, request: QuoteRequest, settings: PlannerSettings) -> None:
    # A PlannerError (e.g. cold chain with no reefer route) is a real answer and part of the load.
    with contextlib.suppress(PlannerError):
        plan(network, request, settings)


def report(name: str, figures: dict[str, float], target: float) -> None:
    verdict = "meets" if figures["per_second"] >= target else "BELOW"
    print(
        f"{name:<44} {figures['quotes']:>6.0f} quotes  {figures['per_second']:>8.0f} quotes/s  "
        f"p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  max {figures['max_ms']:.2f} ms  "
        f"({verdict} target {target:,.0f}/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)

    seed_network = load_seed_network()
    print(f"python {sys.version.split()[0]}, single process")
    report(
        f"seed network ({len(seed_network.hubs)} hubs, {len(seed_network.lanes)} lanes)",
        measure(seed_network, random_requests(seed_network, arguments.quotes, rng, routable_only=True)),
        5000,
    )

    build_started = perf_counter()
    large = generate_network(seed=arguments.seed)
    build_seconds = perf_counter() - build_started
    print(f"generated network: {len(large.hubs)} hubs, {len(large.lanes)} lanes (built in {build_seconds:.1f} s)")
    report(
        "large network, routable pairs",
        measure(large, random_requests(large, arguments.quotes // 5, rng, routable_only=True)),
        200,
    )
    report(
        "large network, any pairs (some unroutable)",
        measure(large, random_requests(large, arguments.quotes // 5, rng, routable_only=False)),
        200,
    )
    # Stress only: one more leg multiplies the routes to price roughly tenfold.
    report(
        "large network, routable pairs, max_legs=4",
        measure(
            large,
            random_requests(large, arguments.quotes // 10, rng, routable_only=True),
            PlannerSettings(max_legs=4, usd_per_currency=RATES),
        ),
        200,
    )


if __name__ == "__main__":
    main()
