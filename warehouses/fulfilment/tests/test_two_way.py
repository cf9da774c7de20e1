"""Two-way lanes and the region's own flows: the planner tables for the new directions (issue 12)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import pytest

from warehouses.fulfilment import (
    LaneStatus,
    NetworkError,
    QuoteRequest,
    QuoteResult,
    load_seed_network,
    network_from_seed,
    plan,
)
from warehouses.fulfilment.clearance import EAEU, route_clearances
from warehouses.fulfilment.network import ReturnDirection, with_return_directions
from warehouses.fulfilment.seed import load_network_data

from .builders import SETTINGS, country, hub, lane, network

MONDAY = date(2026, 3, 2)
CHERRY_SEASON = date(2026, 6, 1)  # a Monday in the Uzbek cherry season
WINTER = date(2026, 1, 12)
SEED = load_seed_network()


def lane_of(key: str):  # type: ignore[no-untyped-def]
    return next(item for item in SEED.lanes if item.key == key)


@dataclass(frozen=True)
class Case:
    name: str
    request: QuoteRequest
    chosen_mode: str
    chosen_route: str
    max_days: int
    fragments: tuple[str, ...]


CASES = [
    Case(
        "Tashkent→Almaty by TIR truck in days, not weeks, cleared into the EAEU at Almaty",
        QuoteRequest("TAS", "ALA", 800, 3, Decimal("4000"), ship_date=MONDAY),
        "tir",
        "TAS→ALA",
        4,
        ("clear into the EAEU customs union at Almaty",),
    ),
    Case(
        "a Tashkent parcel to any Kazakh hub also goes by truck",
        QuoteRequest("TAS", "KZ", 10, 0.03, Decimal("200"), ship_date=MONDAY),
        "tir",
        "TAS→ALA",
        4,
        (),
    ),
    Case(
        "Uzbek cherries (chilled) Tashkent→Moscow by reefer truck, in transit through Kazakhstan under TIR",
        QuoteRequest(
            "TAS",
            "MOW",
            18000,
            60,
            Decimal("90000"),
            perishable=True,
            temperature_min_c=0,
            temperature_max_c=4,
            shelf_life_days=14,
            ship_date=CHERRY_SEASON,
        ),
        "tir",
        "TAS→MOW",
        12,
        (
            "reefer premium ×1.2 for chilled goods",
            "TAS→MOW crosses Kazakhstan under TIR",
            "clear into the EAEU customs union at Moscow",
        ),
    ),
    Case(
        "25 t of Kazakh wheat Astana→Lianyungang by rail, one container, reloaded at the gauge change",
        QuoteRequest("NQZ", "LYG", 25000, 33, Decimal("6500"), ship_date=MONDAY),
        "rail",
        "NQZ→LYG",
        18,
        ("1 full container at $2,770.00", "gauge change (1520->1435 at Dostyk/Alashankou)", "clear into China"),
    ),
    Case(
        "Kazakh wheat on by sea from Lianyungang to Ho Chi Minh City",
        QuoteRequest("NQZ", "SGN", 25000, 33, Decimal("6500"), ship_date=MONDAY),
        "rail",
        "NQZ→LYG→SGN",
        40,
        ("sea LYG→SGN: 1 full container",),
    ),
    Case(
        "Russian goods to China across Zabaikalsk→Manzhouli",
        QuoteRequest("ZAB", "MZL", 20000, 60, Decimal("50000"), ship_date=MONDAY),
        "rail",
        "ZAB→MZL",
        5,
        ("clear into China at Manzhouli",),
    ),
    Case(
        "Minsk→China by rail through Zabaikalsk, no clearance between Belarus and Russia",
        QuoteRequest("MSQ", "MZL", 20000, 60, Decimal("50000"), ship_date=MONDAY),
        "rail",
        "MSQ→ZAB→MZL",
        30,
        ("MSQ→ZAB stays inside the EAEU customs union", "clear into China at Manzhouli"),
    ),
    Case(
        "an Uzbek grower reaches a buyer in Urumqi through Almaty",
        QuoteRequest("TAS", "URC", 500, 2, Decimal("3000"), ship_date=MONDAY),
        "tir",
        "TAS→ALA→URC",
        12,
        ("clear into the EAEU customs union at Almaty", "clear into China at Urumqi"),
    ),
    Case(
        "Bishkek→Tashkent leaves the EAEU and clears again in Uzbekistan",
        QuoteRequest("FRU", "TAS", 500, 2, Decimal("3000"), ship_date=MONDAY),
        "tir",
        "FRU→TAS",
        4,
        ("leave the EAEU customs union and clear into Uzbekistan at Tashkent",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_new_directions(case: Case) -> None:
    result = plan(SEED, case.request, SETTINGS)

    assert result.chosen is not None, result.reasons
    option = result.chosen.option
    assert (option.mode, option.route) == (case.chosen_mode, case.chosen_route), result.reasons
    assert option.transit_days_max <= case.max_days
    text = "\n".join(option.reasons + result.chosen.reasons)
    for fragment in case.fragments:
        assert fragment in text, text


def test_a_reverse_direction_was_unreachable_before_lanes_ran_both_ways() -> None:
    one_way = network_from_seed(_one_way_data())
    result = plan(one_way, QuoteRequest("TAS", "ALA", 800, 3, ship_date=MONDAY), SETTINGS)
    assert result.chosen is None and result.reasons == ("no route from TAS to ALA within 3 legs",)
    assert plan(SEED, QuoteRequest("TAS", "ALA", 800, 3, ship_date=MONDAY), SETTINGS).chosen is not None


def _one_way_data() -> dict:  # type: ignore[type-arg]
    data = copy.deepcopy(load_network_data())
    for row in data["lanes"]:
        row["two_way"] = False
        row.pop("return", None)
    return data


def _full_truck(origin: str, destination: str) -> QuoteResult:
    return plan(SEED, QuoteRequest(origin, destination, 20000, 80, Decimal("1000"), ship_date=MONDAY), SETTINGS)


def test_a_backhaul_price_of_its_own_is_below_the_outbound() -> None:
    north = _full_truck("TAS", "MOW").chosen
    south = _full_truck("MOW", "TAS").chosen
    assert north is not None and south is not None
    assert (north.option.route, south.option.route) == ("TAS→MOW", "MOW→TAS")
    assert south.option.breakdown.freight == Decimal("2760.00") < north.option.breakdown.freight == Decimal("4500.00")
    assert lane_of("MOW-TAS-tir").backhaul_factor is None  # the data priced it: no factor applied


def test_a_reverse_direction_without_a_price_costs_the_outbound_times_the_backhaul_factor() -> None:
    outbound, back = lane_of("TAS-FRU-tir"), lane_of("FRU-TAS-tir")
    assert back.backhaul_factor == Decimal("0.7")
    assert back.usd_per_unit == outbound.usd_per_unit * Decimal("0.7") == Decimal("910.0000")
    result = _full_truck("FRU", "TAS")
    assert result.chosen is not None and result.chosen.option.breakdown.freight == Decimal("910.00")
    assert any("× the 0.7 backhaul factor" in reason for reason in result.chosen.option.reasons)

    cheaper = network_from_seed(load_network_data(), backhaul_factor=Decimal("0.5"))
    assert next(item for item in cheaper.lanes if item.key == "FRU-TAS-tir").usd_per_unit == Decimal("650.0000")


def test_each_direction_keeps_its_own_days_and_schedule() -> None:
    to_china, from_china = lane_of("MSQ-XIY-rail"), lane_of("XIY-MSQ-rail")
    assert (to_china.transit_days_min, to_china.transit_days_typical) == (13, 15)
    assert (from_china.transit_days_min, from_china.transit_days_typical) == (12, 15)
    assert to_china.departure_weekdays == (0,) and from_china.departure_weekdays == (0, 3)


def test_shared_facts_apply_to_both_directions() -> None:
    out, back = lane_of("XIY-MSQ-rail"), lane_of("MSQ-XIY-rail")
    assert back.transit_countries == ("RU", "KZ") and out.transit_countries == ("KZ", "RU")
    assert back.gauge_change == out.gauge_change and back.customs_borders == out.customs_borders
    assert lane_of("DYU-KHG-tir").seasonal_closures == lane_of("KHG-DYU-tir").seasonal_closures
    assert lane_of("TAS-KHG-tir").border_crossings == tuple(reversed(lane_of("KHG-TAS-tir").border_crossings))

    # The Kulma pass is closed both ways in winter: Dushanbe→Kashgar goes round by Tashkent.
    assert lane_of("DYU-KHG-tir").closure_on(WINTER) is not None
    winter = plan(SEED, QuoteRequest("DYU", "KHG", 5000, 20, ship_date=WINTER), SETTINGS).chosen
    assert winter is not None and winter.option.route == "DYU→TAS→KHG"
    assert any("TIR DYU→KHG is closed 01.12–30.04" in reason for reason in winter.reasons)


def test_tir_rules_apply_to_the_return_direction() -> None:
    hubs = [hub("A", "CN"), hub("B", "UZ")]
    countries = [country("CN"), country("UZ"), country("XX", tir=False)]
    lanes = with_return_directions([lane("A", "B", "tir", transit_countries=["XX"])])
    result = plan(network(hubs, lanes, countries), QuoteRequest("B", "A", 1000, ship_date=MONDAY), SETTINGS)
    assert result.chosen is None
    assert "tir_country" in result.options[0].failed_constraints


def test_a_lane_closed_in_one_direction_only() -> None:
    hubs = [hub("A", "CN"), hub("B", "KZ")]
    closed_back = ReturnDirection(status=LaneStatus.CLOSED, advisory="Kazakh export ban on this crossing")
    lanes = with_return_directions([lane("A", "B", "tir")], returns={"A-B-tir": closed_back})
    net = network(hubs, lanes)

    assert plan(net, QuoteRequest("A", "B", 1000, ship_date=MONDAY), SETTINGS).is_feasible
    back = plan(net, QuoteRequest("B", "A", 1000, ship_date=MONDAY), SETTINGS)
    assert back.chosen is None
    assert back.options[0].failed_constraints == ("lane_closed",)
    assert "TIR B→A is closed: Kazakh export ban on this crossing" in back.options[0].reasons[0]


def test_a_lane_closed_in_one_direction_in_the_data() -> None:
    data = copy.deepcopy(load_network_data())
    row = next(item for item in data["lanes"] if (item["from"], item["to"]) == ("TAS", "MOW"))
    row["return"]["status"] = "closed"
    net = network_from_seed(data)

    north = plan(net, QuoteRequest("TAS", "MOW", 20000, 80, ship_date=MONDAY), SETTINGS).chosen
    south = plan(net, QuoteRequest("MOW", "TAS", 20000, 80, ship_date=MONDAY), SETTINGS).chosen
    assert north is not None and north.option.route == "TAS→MOW"
    assert south is not None and south.option.route == "MOW→ALA→TAS"  # around the closed direction
    assert any("TIR MOW→TAS is closed" in reason for reason in south.reasons)


def test_a_one_way_lane_has_no_return_direction() -> None:
    lanes = with_return_directions([lane("A", "B", "rail"), replace(lane("B", "C", "rail"), two_way=False)])
    assert {item.key for item in lanes} == {"A-B-rail", "B-A-rail", "B-C-rail"}
    hubs = [hub("A", "CN"), hub("B", "KZ"), hub("C", "RU")]
    assert plan(network(hubs, lanes), QuoteRequest("C", "A", 100, ship_date=MONDAY), SETTINGS).chosen is None


def test_both_directions_listed_for_a_two_way_lane_is_an_error() -> None:
    with pytest.raises(NetworkError, match="give the return direction's numbers"):
        with_return_directions([lane("A", "B", "tir"), lane("B", "A", "tir")])
    with pytest.raises(NetworkError, match="both prices"):
        ReturnDirection(usd_per_kg=Decimal("0.1"))
    with pytest.raises(NetworkError, match="unknown lanes"):
        with_return_directions([lane("A", "B", "tir")], returns={"X-Y-tir": ReturnDirection()})


def test_clearances_count_the_eaeu_as_one_territory() -> None:
    result = plan(SEED, QuoteRequest("HRG", "FRU", 500, 2, ship_date=MONDAY), SETTINGS)
    assert result.chosen is not None and result.chosen.option.route == "HRG→ALA→FRU"
    clearances = result.chosen.option.clearances
    assert [(item.hub, item.from_territory, item.into_territory) for item in clearances] == [("ALA", "CN", EAEU)]
    assert result.as_dict()["options"][0]["clearances"] == [{"at": "ALA", "country": "KZ", "from": "CN", "into": EAEU}]
    assert any("ALA→FRU stays inside the EAEU customs union" in reason for reason in result.chosen.reasons)

    lanes = [lane_of("TAS-ALA-tir"), lane_of("ALA-MOW-road")]
    assert [item.hub for item in route_clearances(SEED, lanes)] == ["ALA"]  # Moscow needs no second clearance
