"""Small builders for synthetic networks, so each test states only what it is about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal

from warehouses.fulfilment import ColdChain, Country, Hub, Lane, LaneStatus, Network, PlannerSettings, SeasonalClosure

ALL_WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)

#: USD for one unit of each currency the pure tests use. The planner has no rates of its own (the
#: Django adapter passes core's stored ones); these are fixed so the expected costs stay put.
RATES = {"USD": Decimal(1), "EUR": Decimal("1.17"), "CNY": Decimal("0.140")}


def settings_with_rates(**overrides: object) -> PlannerSettings:
    """Planner settings with the test rates (and any tunable overridden)."""
    return PlannerSettings(usd_per_currency=RATES, **overrides)  # type: ignore[arg-type]


SETTINGS = settings_with_rates()

COUNTRY_ZONES = {
    "CN": "Asia/Shanghai",
    "KZ": "Asia/Almaty",
    "UZ": "Asia/Tashkent",
    "KG": "Asia/Bishkek",
    "RU": "Europe/Moscow",
    "LA": "Asia/Vientiane",
}


def country(iso2: str, *, tir: bool = True, eaeu: bool = False) -> Country:
    return Country(iso2=iso2, name=f"Country {iso2}", is_tir_party=tir, is_eaeu_member=eaeu)


def hub(code: str, country_code: str = "CN", timezone: str | None = None) -> Hub:
    return Hub(
        code=code,
        name=f"Hub {code}",
        country=country_code,
        lat=40.0,
        lon=80.0,
        timezone=timezone or COUNTRY_ZONES.get(country_code, "UTC"),
    )


def lane(
    origin: str,
    destination: str,
    mode: str = "rail",
    *,
    days: tuple[int, int, int] = (5, 7, 10),
    weekdays: Sequence[int] = ALL_WEEKDAYS,
    cutoff: time = time(12, 0),
    usd_per_kg: str = "0.50",
    usd_per_unit: str = "3000",
    capacity_kg: float | None = None,
    capacity_m3: float | None = None,
    cold_chain: ColdChain | str | None = None,
    customs_borders: int = 1,
    transit_countries: Sequence[str] = (),
    closures: Sequence[SeasonalClosure] = (),
    effective_from: date | None = None,
    effective_to: date | None = None,
    status: LaneStatus = LaneStatus.OPEN,
    advisory: str = "",
    distance_km: float = 1000.0,
) -> Lane:
    road = mode in ("tir", "road")
    return Lane(
        origin=origin,
        destination=destination,
        mode=mode,
        distance_km=distance_km,
        transit_days_min=days[0],
        transit_days_typical=days[1],
        transit_days_p90=days[2],
        departure_weekdays=tuple(weekdays),
        cutoff_local=cutoff,
        usd_per_kg=Decimal(usd_per_kg),
        usd_per_unit=Decimal(usd_per_unit),
        unit_capacity_kg=capacity_kg if capacity_kg is not None else (20000.0 if road else 26500.0),
        unit_capacity_m3=capacity_m3 if capacity_m3 is not None else (86.0 if road else 76.0),
        cold_chain=ColdChain(cold_chain or ("yes" if road else "limited")),
        border_crossings=(f"{origin}-{destination} border",) if customs_borders else (),
        customs_borders=customs_borders,
        tir_eligible=mode == "tir",
        transit_countries=tuple(transit_countries),
        seasonal_closures=tuple(closures),
        effective_from=effective_from,
        effective_to=effective_to,
        status=status,
        advisory=advisory,
    )


def network(hubs: Iterable[Hub], lanes: Iterable[Lane], countries: Iterable[Country] | None = None) -> Network:
    hub_list = list(hubs)
    if countries is None:
        countries = [country(code) for code in sorted({item.country for item in hub_list})]
    return Network.build(hubs=hub_list, lanes=lanes, countries=countries)


def extend(base: Network, extra_lanes: Iterable[Lane]) -> Network:
    """The seed (or any) network with a few more lanes, e.g. the truck the worked checks compare with."""
    return Network.build(hubs=base.hubs.values(), lanes=[*base.lanes, *extra_lanes], countries=base.countries.values())
