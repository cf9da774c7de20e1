"""Table-driven planner tests: DOMAIN.md's worked checks on the seed network, each rule, and bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from warehouses.fulfilment import (
    ColdChainUnavailable,
    InvalidRequest,
    Lane,
    LaneStatus,
    LoadTooHeavy,
    Network,
    NetworkError,
    Option,
    PlannerError,
    PlannerSettings,
    QuoteRequest,
    QuoteResult,
    SeasonalClosure,
    UnknownCurrency,
    UnknownPlace,
    load_seed_network,
    plan,
)
from warehouses.fulfilment.seed import load_region_data, load_seed_data, parse_border_crossings, spread_weekdays

from .builders import SETTINGS, country, extend, hub, lane, network, settings_with_rates

MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
SEED = load_seed_network()

# DOMAIN.md compares rail with "~$5.9k by truck" for Lianyungang-Almaty; the seed has no truck
# lane there, so the comparison adds one priced by the seed's own truck model: 600 + 1.15/km
# over ~4,600 road km = $5,890 per 20 t trailer, LTL at 3x the full-load rate per kg.
LIANYUNGANG_ALMATY_TRUCK = lane(
    "LYG", "ALA", "tir", days=(8, 10, 14), usd_per_unit="5890", usd_per_kg="0.88", distance_km=4600
)
# A hypothetical reefer train from Horgos, to show why fruit still goes by TIR reefer.
HORGOS_ALMATY_REEFER_TRAIN = lane("HRG", "ALA", "rail", days=(3, 6, 12), weekdays=(0, 3), usd_per_unit="1950")


def option_for(result: QuoteResult, mode: str) -> Option:
    matches = [option for option in result.options if option.mode == mode]
    assert matches, f"no {mode} option in {[option.title for option in result.options]}"
    return matches[0]


@dataclass(frozen=True)
class Case:
    name: str
    network: Network
    request: QuoteRequest
    chosen_mode: str | None
    chosen_route: str | None = None
    failed: dict[str, str] = field(default_factory=dict)  # option mode -> a failed constraint code
    reason_fragments: tuple[str, ...] = ()
    settings: PlannerSettings = SETTINGS


CASES = [
    Case(
        "worked: 20 t chilled fruit Horgos→Almaty goes by TIR reefer",
        SEED,
        QuoteRequest(
            "HRG",
            "ALA",
            20000,
            45,
            Decimal("30000"),
            perishable=True,
            temperature_min_c=2,
            temperature_max_c=6,
            shelf_life_days=10,
            ship_date=MONDAY,
        ),
        "tir",
        "HRG→ALA",
    ),
    Case(
        "worked: fruit still goes by TIR when a reefer train exists (shelf life beats it)",
        extend(SEED, [HORGOS_ALMATY_REEFER_TRAIN]),
        QuoteRequest("HRG", "ALA", 20000, 45, Decimal("30000"), perishable=True, shelf_life_days=10, ship_date=TUESDAY),
        "tir",
        failed={"rail": "shelf_life"},
    ),
    Case(
        "worked: 24 t tiles Lianyungang→Almaty without deadline go by rail full container",
        SEED,
        QuoteRequest("LYG", "ALA", 24000, 16, Decimal("12000"), ship_date=MONDAY),
        "rail",
        "LYG→ALA",
        reason_fragments=("cheapest feasible",),
    ),
    Case(
        "worked: tiles by rail beat the truck",
        extend(SEED, [LIANYUNGANG_ALMATY_TRUCK]),
        QuoteRequest("LYG", "ALA", 24000, 16, Decimal("12000"), ship_date=MONDAY),
        "rail",
        reason_fragments=("TIR LYG→ALA costs",),
    ),
    Case(
        "worked: 18 t appliances Xi'an→Tashkent, 14 days: rail misses at p90, rail-road via Kashgar fits",
        SEED,
        QuoteRequest("XIY", "TAS", 18000, 60, Decimal("90000"), deadline_days=14, ship_date=MONDAY),
        "rail_road",
        "XIY→TAS",
        failed={"rail": "deadline"},
        reason_fragments=("rail XIY→TAS misses the 14-day deadline at p90 (20 days)",),
    ),
    Case(
        "a deadline only the truck meets (Qingdao→Tashkent in 15 days)",
        SEED,
        QuoteRequest("TAO", "TAS", 8000, 30, Decimal("90000"), deadline_days=15, ship_date=TUESDAY),
        "tir",
        "TAO→TAS",
        failed={"rail": "deadline"},
    ),
    Case(
        "without the deadline the same load goes by rail to Almaty, then TIR",
        SEED,
        QuoteRequest("TAO", "TAS", 8000, 30, Decimal("90000"), ship_date=TUESDAY),
        "rail",
        "TAO→ALA→TAS",
    ),
    Case(
        "fastest preference takes the truck",
        SEED,
        QuoteRequest("TAO", "TAS", 8000, 30, Decimal("90000"), ship_date=TUESDAY, preference="fastest"),
        "tir",
        reason_fragments=("fastest feasible",),
    ),
    Case(
        "a perishable with too short a shelf life for rail",
        SEED,
        QuoteRequest("TAO", "TAS", 8000, 30, Decimal("40000"), perishable=True, shelf_life_days=15, ship_date=TUESDAY),
        "tir",
        failed={"rail": "shelf_life"},
        reason_fragments=("outlasts the 15-day shelf life",),
    ),
    Case(
        "seasonal closure: the Kulma pass is shut in January, so TIR goes via Tashkent",
        SEED,
        QuoteRequest("KHG", "DYU", 8000, 30, Decimal("50000"), ship_date=date(2026, 1, 12)),
        "tir",
        "KHG→TAS→DYU",
        reason_fragments=("passed over TIR KHG→DYU", "is closed 01.12–30.04"),
    ),
    Case(
        "in June the direct Kulma crossing is open and cheapest",
        SEED,
        QuoteRequest("KHG", "DYU", 8000, 30, Decimal("50000"), ship_date=date(2026, 6, 1)),
        "tir",
        "KHG→DYU",
    ),
    Case(
        "duties above the carnet guarantee rule TIR out",
        SEED,
        QuoteRequest(
            "HRG",
            "ALA",
            5000,
            20,
            Decimal("400000"),
            currency="EUR",
            duties_estimate=Decimal("120000"),
            ship_date=MONDAY,
        ),
        None,
        failed={"tir": "tir_guarantee"},
        reason_fragments=("€120,000 exceed the €100,000 TIR carnet guarantee",),
    ),
    Case(
        "duties just under the guarantee are fine",
        SEED,
        QuoteRequest(
            "HRG",
            "ALA",
            5000,
            20,
            Decimal("400000"),
            currency="EUR",
            duties_estimate=Decimal("99000"),
            ship_date=MONDAY,
        ),
        "tir",
    ),
    Case(
        "without an estimate duties are assumed at 30% of the declared value",
        SEED,
        QuoteRequest("HRG", "ALA", 5000, 20, Decimal("2000000"), ship_date=MONDAY),
        None,
        failed={"tir": "tir_guarantee"},
        reason_fragments=("estimated from the declared value",),
    ),
    Case(
        "nothing feasible: shipped on a Tuesday the rail-road waits for Thursday and misses too",
        SEED,
        QuoteRequest("XIY", "TAS", 18000, 60, Decimal("90000"), deadline_days=14, ship_date=TUESDAY),
        None,
        failed={"rail": "deadline", "rail_road": "deadline"},
        reason_fragments=("no option is feasible", "16 days incl. 2 days waiting for departures"),
    ),
    Case(
        "last mile: rail to the Almaty warehouse, then truck to Bishkek",
        SEED,
        QuoteRequest("LYG", "FRU", 20000, 50, Decimal("30000"), ship_date=MONDAY),
        "rail",
        "LYG→ALA→FRU",
    ),
    Case(
        "a country as destination picks the best hub in it",
        SEED,
        QuoteRequest("XIY", "KZ", 20000, 50, Decimal("30000"), ship_date=MONDAY),
        "rail",
        "XIY→ALA",
    ),
    Case(
        "a buffer day turns the worked rail-road fit into a miss",
        SEED,
        QuoteRequest("XIY", "TAS", 18000, 60, Decimal("90000"), deadline_days=14, ship_date=MONDAY),
        None,
        failed={"rail_road": "deadline"},
        reason_fragments=("plus a 1-day buffer",),
        settings=settings_with_rates(buffer_days=1),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_planner_cases(case: Case) -> None:
    result = plan(case.network, case.request, case.settings)
    if case.chosen_mode is None:
        assert result.chosen is None, result.reasons
        assert all(not option.feasible and option.failures for option in result.options)
    else:
        assert result.chosen is not None, result.reasons
        assert result.chosen.mode == case.chosen_mode, result.reasons
        assert result.chosen.option.feasible
        if case.chosen_route:
            assert result.chosen.option.route == case.chosen_route
    for mode, code in case.failed.items():
        assert code in option_for(result, mode).failed_constraints
    text = "\n".join([*result.reasons, *(reason for option in result.options for reason in option.reasons)])
    for fragment in case.reason_fragments:
        assert fragment in text, text


def test_worked_fruit_is_priced_as_one_reefer_trailer() -> None:
    request = QuoteRequest("HRG", "ALA", 20000, 45, Decimal("30000"), perishable=True, ship_date=MONDAY)
    option = plan(SEED, request, SETTINGS).options[0]
    assert option.legs[0].freight_basis == "full_units" and option.legs[0].units == 1
    assert option.breakdown.freight == Decimal("1050.00")
    assert option.breakdown.reefer_premium == Decimal("210.00")  # chilled x1.2


def test_worked_tiles_rail_container_against_truck() -> None:
    """~$3.5k by rail against ~$5.9k per truckload; 24 t needs two 20 t trailers."""
    request = QuoteRequest("LYG", "ALA", 24000, 16, Decimal("12000"), ship_date=MONDAY)
    result = plan(extend(SEED, [LIANYUNGANG_ALMATY_TRUCK]), request, SETTINGS)
    rail, truck = option_for(result, "rail"), option_for(result, "tir")
    assert rail.breakdown.freight == Decimal("3550.00") and rail.legs[0].units == 1
    assert truck.breakdown.freight == Decimal("11780.00") and truck.legs[0].units == 2
    twenty_tonnes = plan(
        extend(SEED, [LIANYUNGANG_ALMATY_TRUCK]), QuoteRequest("LYG", "ALA", 20000, 14, ship_date=MONDAY), SETTINGS
    )
    assert option_for(twenty_tonnes, "tir").breakdown.freight == Decimal("5890.00")
    assert option_for(twenty_tonnes, "rail").breakdown.freight == Decimal("3550.00")


def test_non_tir_country_on_the_route_rules_out_tir() -> None:
    hubs = [hub("KSH", "CN"), hub("VTE", "LA")]
    lanes = [
        lane("KSH", "VTE", "tir", days=(2, 3, 4), usd_per_unit="1500"),
        lane("KSH", "VTE", "rail", days=(4, 6, 9), usd_per_unit="2500"),
    ]
    countries = [country("CN"), country("LA", tir=False)]
    result = plan(network(hubs, lanes, countries), QuoteRequest("KSH", "VTE", 10000, 30, ship_date=MONDAY), SETTINGS)
    assert result.chosen is not None and result.chosen.mode == "rail"
    tir = option_for(result, "tir")
    assert tir.failed_constraints == ("tir_country",)
    assert "crosses Country LA, which does not operate TIR" in tir.reasons[0]


def test_non_tir_transit_country_rules_out_tir() -> None:
    hubs = [hub("A", "CN"), hub("B", "KZ")]
    lanes = [lane("A", "B", "tir", transit_countries=["LA"], usd_per_unit="100")]
    countries = [country("CN"), country("KZ"), country("LA", tir=False)]
    result = plan(network(hubs, lanes, countries), QuoteRequest("A", "B", 1000, ship_date=MONDAY), SETTINGS)
    assert result.chosen is None
    assert result.options[0].failed_constraints == ("tir_country",)


@pytest.mark.parametrize(
    ("weight_kg", "volume_m3", "basis", "units", "freight"),
    [
        (5000, 0, "groupage", 1, Decimal("2500.00")),  # 5,000 kg x 0.50 < 3,000
        (5999, 0, "groupage", 1, Decimal("2999.50")),
        (6000, 0, "full_units", 1, Decimal("3000.00")),  # break-even: a tie books the unit
        (6500, 0, "full_units", 1, Decimal("3000.00")),
        (1000, 3, "groupage", 1, Decimal("500.00")),  # chargeable 1,000 kg
        (1000, 20, "full_units", 1, Decimal("3000.00")),  # chargeable 333 x 20 = 6,660 kg
        (27000, 10, "full_units", 2, Decimal("6000.00")),  # more than one container
        (1000, 80, "full_units", 2, Decimal("6000.00")),  # volume needs two 76 m³ containers
    ],
)
def test_groupage_and_full_unit_switch_over(
    weight_kg: int, volume_m3: int, basis: str, units: int, freight: Decimal
) -> None:
    small = network([hub("A", "CN"), hub("B", "KZ")], [lane("A", "B", "rail")])
    option = plan(small, QuoteRequest("A", "B", weight_kg, volume_m3, ship_date=MONDAY), SETTINGS).options[0]
    assert (option.legs[0].freight_basis, option.legs[0].units, option.breakdown.freight) == (basis, units, freight)


def test_limited_reefer_rail_books_whole_reefer_containers() -> None:
    small = network([hub("A", "CN"), hub("B", "KZ")], [lane("A", "B", "rail", cold_chain="limited")])
    option = plan(small, QuoteRequest("A", "B", 500, 1, perishable=True, ship_date=MONDAY), SETTINGS).options[0]
    assert option.legs[0].freight_basis == "full_units"
    assert option.breakdown.freight == Decimal("3000.00")
    assert option.breakdown.reefer_premium == Decimal("600.00")
    frozen = plan(small, QuoteRequest("A", "B", 500, 1, temperature_max_c=-18, ship_date=MONDAY), SETTINGS).options[0]
    assert frozen.breakdown.reefer_premium == Decimal("1200.00")  # x1.4


def test_cold_chain_lane_without_reefer_is_infeasible_for_that_option() -> None:
    small = network(
        [hub("A", "CN"), hub("B", "KZ")],
        [lane("A", "B", "rail", cold_chain="no", usd_per_unit="100"), lane("A", "B", "tir", usd_per_unit="900")],
    )
    result = plan(small, QuoteRequest("A", "B", 500, 1, perishable=True, ship_date=MONDAY), SETTINGS)
    assert result.chosen is not None and result.chosen.mode == "tir"
    assert option_for(result, "rail").failed_constraints == ("cold_chain",)


def test_cut_off_is_read_in_the_origin_hub_zone() -> None:
    """Xi'an is UTC+8 with a 12:00 rail cut-off: 03:30 UTC makes Monday's train, 04:30 UTC does not."""
    before = QuoteRequest(
        "XIY", "TAS", 18000, 60, Decimal("90000"), deadline_days=14, ship_date=datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    )
    after = QuoteRequest(
        "XIY", "TAS", 18000, 60, Decimal("90000"), deadline_days=14, ship_date=datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
    )
    made_it, missed = plan(SEED, before, SETTINGS), plan(SEED, after, SETTINGS)
    assert made_it.chosen is not None and made_it.chosen.mode == "rail_road"
    assert made_it.chosen.option.legs[0].departs_on == MONDAY
    assert missed.chosen is None
    assert option_for(missed, "rail_road").transit_days_max == 17  # waits for Thursday


def test_tie_break_prefers_fewer_borders_then_more_departures() -> None:
    hubs = [hub("A", "CN"), hub("B", "KZ")]

    def same_price_and_time(mode: str, borders: int = 1, weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)) -> Lane:
        return lane("A", "B", mode, days=(3, 3, 3), usd_per_unit="1000", customs_borders=borders, weekdays=weekdays)

    fewer_borders = network(hubs, [same_price_and_time("rail", borders=2), same_price_and_time("tir", borders=1)])
    chosen = plan(fewer_borders, QuoteRequest("A", "B", 10000, ship_date=MONDAY), SETTINGS).chosen
    assert chosen is not None and chosen.mode == "tir"
    assert any("crosses more customs borders" in reason for reason in chosen.reasons)
    more_departures = network(
        hubs, [same_price_and_time("tir", weekdays=(0, 3)), same_price_and_time("rail", weekdays=(0, 2, 4))]
    )
    chosen = plan(more_departures, QuoteRequest("A", "B", 10000, ship_date=MONDAY), SETTINGS).chosen
    assert chosen is not None and chosen.mode == "rail"
    assert any("departs less often" in reason for reason in chosen.reasons)


def test_closed_lane_and_effective_dates() -> None:
    hubs = [hub("A", "CN"), hub("B", "KZ")]
    lanes = [
        lane("A", "B", "tir", status=LaneStatus.CLOSED, advisory="bridge repairs", usd_per_unit="10"),
        lane("A", "B", "rail", effective_from=date(2026, 4, 1), usd_per_unit="20"),
        lane("A", "B", "road", effective_to=date(2026, 2, 28), usd_per_unit="30"),
    ]
    result = plan(network(hubs, lanes), QuoteRequest("A", "B", 1000, ship_date=MONDAY), SETTINGS)
    assert result.chosen is None
    assert option_for(result, "tir").failed_constraints == ("lane_closed",)
    assert "bridge repairs" in option_for(result, "tir").reasons[0]
    assert option_for(result, "rail").failed_constraints == ("lane_not_effective",)
    assert option_for(result, "road").failed_constraints == ("lane_not_effective",)
    in_april = plan(network(hubs, lanes), QuoteRequest("A", "B", 1000, ship_date=date(2026, 4, 6)), SETTINGS)
    assert in_april.chosen is not None and in_april.chosen.mode == "rail"


def test_seasonal_closure_wrapping_the_new_year() -> None:
    winter = SeasonalClosure.parse("11-15", "03-15", "pass snowed in")
    small = network([hub("A", "CN"), hub("B", "KG")], [lane("A", "B", "tir", closures=[winter])])
    for ship_date, feasible in [(date(2025, 12, 31), False), (date(2026, 3, 16), True), (date(2026, 11, 15), False)]:
        result = plan(small, QuoteRequest("A", "B", 1000, ship_date=ship_date), SETTINGS)
        assert result.is_feasible is feasible, ship_date
    assert (
        "pass snowed in" in plan(small, QuoteRequest("A", "B", 1000, ship_date=date(2026, 1, 5)), SETTINGS).reasons[1]
    )


def test_money_is_decimal_cents_and_the_breakdown_adds_up() -> None:
    result = plan(SEED, QuoteRequest("TAO", "TAS", 8000, 30, Decimal("90000"), ship_date=TUESDAY), SETTINGS)
    for option in result.options:
        parts = option.breakdown
        assert isinstance(option.cost, Decimal) and option.cost.as_tuple().exponent == -2
        assert parts.freight + parts.reefer_premium + parts.carrying + parts.delay_risk == parts.total == option.cost
        assert option.transit_days_min <= option.transit_days_typical <= option.transit_days_max
    rendered = json.dumps(result.as_dict())  # no Decimal or float leaks into the API shape
    assert '"amount": "' in rendered and "chosen" in rendered


def test_carrying_cost_and_delay_risk_follow_the_settings() -> None:
    small = network([hub("A", "CN"), hub("B", "KZ")], [lane("A", "B", "rail", days=(5, 10, 20))])
    request = QuoteRequest("A", "B", 1000, declared_value=Decimal("365000"), ship_date=MONDAY)
    option = plan(small, request, SETTINGS).options[0]
    assert option.breakdown.carrying == Decimal("2500.00")  # 365,000 x 25% / 365 x 10 days
    assert option.breakdown.delay_risk == Decimal("1250.00")  # half of 10 tail days at 250/day
    custom = plan(small, request, settings_with_rates(carrying_cost_rate_per_year=Decimal("0.5"))).options[0]
    assert custom.breakdown.carrying == Decimal("5000.00")
    in_yuan = plan(small, replace(request, currency="CNY"), SETTINGS).options[0]
    assert in_yuan.breakdown.carrying == Decimal("350.00")


@pytest.mark.parametrize(
    ("request_", "error", "field_name", "code"),
    [
        (QuoteRequest("XXX", "ALA", 100), UnknownPlace, "origin", "unknown_hub"),
        (QuoteRequest("XIY", "ZZ", 100), UnknownPlace, "destination", "unknown_place"),
        (QuoteRequest("XIY", "LA", 100), UnknownPlace, "destination", "no_hub_in_country"),
        (QuoteRequest("XIY", "XIY", 100), InvalidRequest, "destination", "same_place"),
        (QuoteRequest("XIY", "ALA", 0), InvalidRequest, "weight_kg", "out_of_range"),
        (QuoteRequest("XIY", "ALA", -5), InvalidRequest, "weight_kg", "out_of_range"),
        (QuoteRequest("XIY", "ALA", float("nan")), InvalidRequest, "weight_kg", "not_a_number"),
        (QuoteRequest("XIY", "ALA", 100, volume_m3=-1), InvalidRequest, "volume_m3", "out_of_range"),
        (QuoteRequest("XIY", "ALA", 40000, 30, pieces=1), LoadTooHeavy, "weight_kg", "load_too_heavy"),
        (QuoteRequest("XIY", "ALA", 1000, 90, pieces=1), LoadTooHeavy, "volume_m3", "load_too_heavy"),
        (
            QuoteRequest("PEK", "GYD", 1000, 5, perishable=True),
            ColdChainUnavailable,
            "perishable",
            "cold_chain_unavailable",
        ),
        (
            QuoteRequest("HRG", "ALA", 1000, temperature_min_c=-30),
            ColdChainUnavailable,
            "temperature_min_c",
            "cold_chain_unavailable",
        ),
        (
            QuoteRequest("HRG", "ALA", 1000, temperature_min_c=8, temperature_max_c=2),
            InvalidRequest,
            "temperature_min_c",
            "invalid_request",
        ),
        (
            QuoteRequest("HRG", "ALA", 1000, declared_value=Decimal(5), currency="XYZ"),
            UnknownCurrency,
            "currency",
            "unknown_currency",
        ),
        (QuoteRequest("HRG", "ALA", 1000, deadline_days=0), InvalidRequest, "deadline_days", "invalid_request"),
        (QuoteRequest("HRG", "ALA", 1000, pieces=0), InvalidRequest, "pieces", "invalid_request"),
        (QuoteRequest("HRG", "ALA", 1000, preference="slowest"), InvalidRequest, "preference", "invalid_request"),
    ],
)
def test_bad_input_raises_a_planner_error_naming_the_field(
    request_: QuoteRequest, error: type[PlannerError], field_name: str, code: str
) -> None:
    with pytest.raises(error) as raised:
        plan(SEED, request_, SETTINGS)
    assert raised.value.field == field_name
    assert raised.value.code == code
    assert isinstance(raised.value, PlannerError) and raised.value.message


def test_forty_tonnes_divisible_load_is_split_into_units() -> None:
    result = plan(SEED, QuoteRequest("XIY", "ALA", 40000, 60, ship_date=MONDAY), SETTINGS)
    assert result.chosen is not None and result.chosen.option.legs[0].units == 2


def test_unreachable_destination_is_a_result_not_an_error() -> None:
    result = plan(SEED, QuoteRequest("ULN", "ALA", 1000, ship_date=MONDAY), SETTINGS)
    assert result.chosen is None and result.options == ()
    assert "no route from ULN" in result.reasons[0]


def test_hub_codes_are_case_insensitive() -> None:
    assert plan(SEED, QuoteRequest("hrg", "ala", 1000, ship_date=MONDAY), SETTINGS).is_feasible


def test_seed_network_is_complete() -> None:
    data, region = load_seed_data(), load_region_data()
    assert len(data["hubs"]) == 27 and len(data["lanes"]) == 35  # the shared seed, verbatim
    assert len(SEED.hubs) == 27 + len(region["hubs"]) == 28
    # Every lane of the seed and of the region runs both ways: none is marked one-way yet.
    assert len(SEED.lanes) == 2 * (35 + len(region["lanes"])) == 82
    assert sum(lane.is_return for lane in SEED.lanes) == 41
    assert SEED.hubs["ZAB"].timezone == "Asia/Chita"
    assert not SEED.countries["LA"].is_tir_party and SEED.countries["CN"].is_tir_party
    assert {lane.mode for lane in SEED.lanes} == {"tir", "road", "rail", "rail_road", "rail_sea_rail", "sea"}
    khorgos = next(item for item in SEED.lanes if item.key == "KHG-FRU-tir")
    assert khorgos.departure_weekdays == (0, 1, 2, 3, 4)  # Torugart shuts at weekends
    assert khorgos.advisory == "weather closures possible in winter"


@pytest.mark.parametrize(
    ("text", "crossings"),
    [
        ("Irkeshtam (CN-KG), Dostuk/Dustlik (KG-UZ)", ("Irkeshtam (CN-KG)", "Dostuk/Dustlik (KG-UZ)")),
        ("Khorgos-Altynkol; Saryagash", ("Khorgos-Altynkol", "Saryagash")),
        ("Korday - Ak-Zhol (KZ-KG, EAEU internal)", ("Korday - Ak-Zhol (KZ-KG, EAEU internal)",)),
        ("Irkeshtam (CN-KG, by road); KG-UZ", ("Irkeshtam (CN-KG, by road)", "KG-UZ")),
        ("(already transshipped at Khorgos Gateway)", ()),
        ("none (domestic)", ()),
        (None, ()),
    ],
)
def test_border_crossing_texts(text: str | None, crossings: tuple[str, ...]) -> None:
    assert parse_border_crossings(text) == crossings


@pytest.mark.parametrize(
    ("per_week", "weekdays"),
    [(1, (0,)), (2, (0, 3)), (3, (0, 2, 4)), (7, (0, 1, 2, 3, 4, 5, 6))],
)
def test_departures_spread_over_the_week(per_week: int, weekdays: tuple[int, ...]) -> None:
    assert spread_weekdays(per_week) == weekdays


def test_network_rejects_broken_references() -> None:
    with pytest.raises(NetworkError):
        network([hub("A", "CN")], [lane("A", "B")])
    with pytest.raises(NetworkError):
        network([hub("A", "CN", timezone="Mars/Olympus")], [])
    with pytest.raises(NetworkError):
        lane("A", "B", days=(5, 4, 10))
    with pytest.raises(NetworkError):
        lane("A", "B", mode="teleport")
    with pytest.raises(NetworkError):
        lane("A", "B", weekdays=(7,))
    assert lane("A", "B", mode="tir_road").mode == "tir"
    assert lane("A", "B", weekdays=()).departure_weekdays == (0, 1, 2, 3, 4, 5, 6)


def test_a_naive_ship_datetime_is_local_time_at_the_origin() -> None:
    naive = QuoteRequest("XIY", "TAS", 18000, 60, deadline_days=14, ship_date=datetime(2026, 3, 2, 11, 59))
    late = QuoteRequest("XIY", "TAS", 18000, 60, deadline_days=14, ship_date=datetime(2026, 3, 2, 12, 1))
    assert plan(SEED, naive, SETTINGS).is_feasible and not plan(SEED, late, SETTINGS).is_feasible
    assert time(12, 0) == next(item for item in SEED.lanes if item.key == "XIY-TAS-rail_road").cutoff_local
