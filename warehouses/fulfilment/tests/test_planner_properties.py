"""Property tests: the choice is always feasible and no feasible route beats it, on random networks."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warehouses.fulfilment import (
    Lane,
    Network,
    PlannerError,
    PlannerSettings,
    QuoteRequest,
    QuoteResult,
    SeasonalClosure,
    load_seed_network,
    plan,
)
from warehouses.fulfilment.routes import find_routes

from .builders import country, hub, lane, network, settings_with_rates

HUB_COUNTRIES = ["CN", "CN", "KZ", "KG", "UZ", "LA"]
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def lanes_strategy(draw: st.DrawFn, hub_codes: list[str]) -> Lane:
    origin, destination = draw(st.lists(st.sampled_from(hub_codes), min_size=2, max_size=2, unique=True))
    low = draw(st.integers(1, 10))
    typical = low + draw(st.integers(0, 5))
    p90 = typical + draw(st.integers(0, 12))
    closures = []
    if draw(st.booleans()) and draw(st.booleans()):
        start_month, end_month = draw(st.integers(1, 12)), draw(st.integers(1, 12))
        closures.append(SeasonalClosure(start_month, 1, end_month, 28, "random closure"))
    return lane(
        origin,
        destination,
        draw(st.sampled_from(["tir", "rail", "rail_road", "rail_sea_rail", "road"])),
        days=(low, typical, p90),
        weekdays=draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True)),
        cutoff=time(draw(st.integers(0, 23)), 0),
        usd_per_kg=str(draw(st.decimals(min_value=Decimal("0.05"), max_value=Decimal("2"), places=2))),
        usd_per_unit=str(draw(st.integers(200, 12000))),
        capacity_kg=float(draw(st.sampled_from([20000, 26500]))),
        capacity_m3=float(draw(st.sampled_from([76, 86]))),
        cold_chain=draw(st.sampled_from(["yes", "limited", "no"])),
        customs_borders=draw(st.integers(0, 3)),
        closures=closures,
        distance_km=float(draw(st.integers(50, 8000))),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Network, QuoteRequest]:
    hub_count = draw(st.integers(2, 6))
    hubs = [hub(f"H{number}", HUB_COUNTRIES[number]) for number in range(hub_count)]
    codes = [item.code for item in hubs]
    lanes = draw(st.lists(lanes_strategy(codes), min_size=2, max_size=14))
    countries = [country(code, tir=code != "LA") for code in sorted({item.country for item in hubs})]
    # Start where a lane starts and aim where another ends, so most examples have routes to judge.
    origin = lanes[0].origin
    hub_targets = [item.destination for item in lanes[1:] if item.destination != origin] or [lanes[0].destination]
    country_targets = [item.country for item in hubs if item.code != origin and item.country != hubs[0].country]
    destination = draw(st.sampled_from(hub_targets + sorted(set(country_targets))))
    request = QuoteRequest(
        origin=origin,
        destination=destination,
        weight_kg=draw(st.integers(1, 60000)),
        volume_m3=draw(st.integers(0, 150)),
        declared_value=Decimal(draw(st.integers(0, 3_000_000))),
        perishable=draw(st.sampled_from([False, False, False, True])),
        deadline_days=draw(st.none() | st.integers(1, 40)),
        shelf_life_days=draw(st.none() | st.none() | st.integers(1, 40)),
        ship_date=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 364))),
        preference=draw(st.sampled_from(["cheapest", "fastest"])),
        pieces=draw(st.none() | st.integers(1, 40)),
    )
    return network(hubs, lanes, countries), request


def _plan_or_none(graph: Network, request: QuoteRequest, planner_settings: PlannerSettings) -> QuoteResult | None:
    try:
        return plan(graph, request, planner_settings)
    except PlannerError:
        return None


def _objective(result: QuoteResult, preference: str) -> tuple[object, ...]:
    assert result.chosen is not None
    option = result.chosen.option
    return (option.transit_days_max, option.cost) if preference == "fastest" else (option.cost,)


def _check_result(result: QuoteResult, request: QuoteRequest) -> None:
    feasible = [option for option in result.options if option.feasible]
    if result.chosen is None:
        assert not feasible
        assert all(option.failures and option.failed_constraints for option in result.options)
        return
    chosen = result.chosen.option
    assert chosen.feasible and not chosen.failures
    assert result.chosen.mode == chosen.mode
    for option in feasible:
        if request.preference == "fastest":
            assert option.transit_days_max >= chosen.transit_days_max
        else:
            assert option.cost >= chosen.cost
    for option in result.options:
        assert option.cost == option.breakdown.total
        assert option.cost.as_tuple().exponent == -2
        assert option.transit_days_min <= option.transit_days_typical <= option.transit_days_max
        if request.deadline_days is not None and option.feasible:
            assert option.transit_days_max <= request.deadline_days


@PROPERTY_SETTINGS
@given(scenario=scenarios())
def test_chosen_is_feasible_and_no_feasible_route_is_better(scenario: tuple[Network, QuoteRequest]) -> None:
    graph, request = scenario
    planner_settings = settings_with_rates()
    result = _plan_or_none(graph, request, planner_settings)
    if result is None:
        return
    _check_result(result, request)

    # Independent check over every route, not only the best-per-mode options shown: plan each
    # route alone on a network holding just its lanes, and compare with the overall choice.
    origin = request.origin
    destinations = {request.destination} if request.destination in graph.hubs else set()
    destinations |= set(graph.hubs_by_country.get(request.destination, ())) - {origin}
    for route in find_routes(graph, origin, destinations, planner_settings.max_legs):
        alone = Network.build(graph.hubs.values(), [graph.lanes[index] for index in route], graph.countries.values())
        single = _plan_or_none(alone, request, planner_settings)
        if single is None or single.chosen is None:
            continue
        assert result.chosen is not None, f"route {route} is feasible alone but nothing was chosen"
        assert _objective(single, request.preference) >= _objective(result, request.preference)


@PROPERTY_SETTINGS
@given(
    origin=st.sampled_from(sorted(load_seed_network().hubs)),
    destination=st.sampled_from([*sorted(load_seed_network().hubs), "KZ", "UZ", "RU"]),
    weight=st.integers(1, 50000),
    volume=st.integers(0, 120),
    value=st.integers(0, 2_000_000),
    perishable=st.booleans(),
    deadline=st.none() | st.integers(3, 30),
    day=st.integers(0, 364),
    preference=st.sampled_from(["cheapest", "fastest"]),
)
def test_seed_network_choices_are_feasible_and_best(
    origin: str,
    destination: str,
    weight: int,
    volume: int,
    value: int,
    perishable: bool,
    deadline: int | None,
    day: int,
    preference: str,
) -> None:
    request = QuoteRequest(
        origin,
        destination,
        weight,
        volume,
        Decimal(value),
        perishable=perishable,
        deadline_days=deadline,
        ship_date=date(2026, 1, 1) + timedelta(days=day),
        preference=preference,
    )
    result = _plan_or_none(load_seed_network(), request, settings_with_rates())
    if result is not None:
        _check_result(result, request)
