"""``route_quote`` (what orders call), planner settings from Django settings, and the catalog estimate read."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.exceptions import ValidationFailed
from core.models import ExchangeRate
from core.money import Money
from core.services import exchange_rates_store
from warehouses.transport.exceptions import NoFeasibleRoute
from warehouses.transport.models import Lane
from warehouses.transport.selectors import RouteQuote, planner_settings, route_quote

MONDAY = date(2026, 3, 2)


def quote(**overrides: object) -> RouteQuote:
    arguments: dict[str, object] = {
        "origin_hub": "XIY",
        "destination_country": "UZ",
        "weight_kg": Decimal("10"),
        "volume_m3": Decimal("0.05"),
        "declared_value": Money(Decimal("200"), "USD"),
        "ship_date": MONDAY,
    }
    arguments.update(overrides)
    return route_quote(**arguments)  # type: ignore[arg-type]


def test_cross_border_quote(seeded: tuple[int, int]) -> None:
    result = quote()

    assert result.mode == "rail"
    # The rail line haul, then the courier's last mile inside Uzbekistan (1–3 days).
    assert result.legs == [
        {"from": "XIY", "to": "TAS", "mode": "rail", "transit_days": 10},
        {"from": "TAS", "to": "UZ", "mode": "road", "transit_days": 3},
    ]
    assert (result.transit_days_min, result.transit_days_max) == (5 + 1, 20 + 3)
    assert any(reason.startswith("last mile from") for reason in result.reasons)
    assert result.cost.currency.code == "USD"
    assert result.cost.amount == result.cost.amount.quantize(Decimal("0.01")) > 0
    assert result.border_crossings == ["Khorgos-Altynkol", "Saryagash"]
    assert "rail XIY→TAS chosen" in result.reasons[0]


def test_fastest_preference_changes_the_answer(seeded: tuple[int, int]) -> None:
    assert quote(preference="fastest").mode == "rail_road"


def test_multi_leg_route_avoids_a_seasonal_closure(seeded: tuple[int, int]) -> None:
    winter = quote(origin_hub="KHG", destination_country="TJ", ship_date=date(2026, 1, 12))
    summer = quote(origin_hub="KHG", destination_country="TJ", ship_date=date(2026, 6, 1))

    assert [leg["to"] for leg in winter.legs] == ["TAS", "DYU", "TJ"]
    assert any("closed" in reason for reason in winter.reasons)
    assert [leg["to"] for leg in summer.legs] == ["DYU", "TJ"]


def test_a_parcel_from_abroad_never_costs_less_than_local_delivery(seeded: tuple[int, int]) -> None:
    local = quote(origin_hub="ALA", destination_country="KZ", weight_kg=Decimal("1"), volume_m3=Decimal("0.002"))
    from_china = quote(origin_hub="URC", destination_country="KZ", weight_kg=Decimal("1"), volume_m3=Decimal("0.002"))

    assert from_china.legs[-1] == {"from": "ALA", "to": "KZ", "mode": "road", "transit_days": local.transit_days_max}
    assert from_china.cost > local.cost
    assert from_china.transit_days_max > local.transit_days_max


def test_domestic_delivery_is_quoted_without_a_lane(seeded: tuple[int, int]) -> None:
    dry = quote(origin_hub="ALA", destination_country="KZ")
    chilled = quote(origin_hub="ALA", destination_country="KZ", perishable=True, temperature_max_c=8)

    assert dry.mode == "road"
    assert dry.legs == [{"from": "ALA", "to": "KZ", "mode": "road", "transit_days": 7}]
    assert (dry.transit_days_min, dry.transit_days_max) == (2, 7)
    assert dry.border_crossings == []
    # 0.05 m³ weighs 16.65 kg volumetric, billed as 17 kg: $3 + 17 × $0.25.
    assert dry.cost == Money(Decimal("7.25"), "USD")
    assert chilled.cost == Money(Decimal("8.70"), "USD")  # × 1.2 reefer premium
    assert quote(origin_hub="MSQ", destination_country="BY").transit_days_max == 3  # a smaller country


def test_domestic_delivery_longer_than_the_shelf_life_is_infeasible(seeded: tuple[int, int]) -> None:
    with pytest.raises(NoFeasibleRoute) as error:
        quote(origin_hub="ALA", destination_country="KZ", perishable=True, shelf_life_days=3)
    assert error.value.status_code == 422
    assert error.value.extra["failed_constraints"] == {"domestic road": ["shelf_life"]}


def test_no_feasible_route_names_each_options_failed_constraint(seeded: tuple[int, int]) -> None:
    with pytest.raises(NoFeasibleRoute) as error:
        quote(shelf_life_days=3)

    assert error.value.status_code == 422
    assert error.value.code == "no_feasible_route"
    assert {"rail XIY→TAS", "rail-road XIY→TAS"} <= set(error.value.errors)
    assert all(
        any(message.startswith("shelf_life: ") for message in messages) for messages in error.value.errors.values()
    )
    assert all("shelf_life" in codes for codes in error.value.extra["failed_constraints"].values())


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"origin_hub": "ZZZ"}, "origin_hub", "unknown_hub"),
        ({"destination_country": "QQ"}, "destination_country", "unknown_place"),
        ({"weight_kg": Decimal("-1")}, "weight_kg", "out_of_range"),
        ({"weight_kg": Decimal("40000")}, "weight_kg", "load_too_heavy"),
        (
            {"destination_country": "IR", "origin_hub": "YIW", "perishable": True},
            "perishable",
            "cold_chain_unavailable",
        ),
        ({"temperature_min_c": -40}, "temperature_min_c", "cold_chain_unavailable"),
        ({"origin_hub": "ALA", "destination_country": "KZ", "weight_kg": Decimal("0")}, "weight_kg", "out_of_range"),
    ],
)
def test_bad_input_is_a_validation_error_naming_the_field(
    seeded: tuple[int, int], overrides: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        quote(**overrides)
    assert error.value.status_code == 400
    assert error.value.code == code
    assert list(error.value.errors) == [field]


def test_declared_value_in_another_currency_uses_cores_exchange_rates(seeded: tuple[int, int]) -> None:
    exchange_rates_store(
        base="USD", rates={"QAR": Decimal("3.20")}, source="test", effective_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    in_riyals = quote(declared_value=Money(Decimal("640"), "QAR"))

    assert in_riyals.cost == quote().cost  # 640 QAR = $200 at 3.20


def test_a_declared_value_in_a_currency_without_a_rate_is_a_validation_error(seeded: tuple[int, int]) -> None:
    ExchangeRate.objects.filter(quote="QAR").delete()

    with pytest.raises(ValidationFailed) as error:
        quote(declared_value=Money(Decimal("200"), "QAR"))

    assert (error.value.status_code, error.value.code) == (400, "unknown_currency")
    assert list(error.value.errors) == ["declared_value"]


def test_planner_settings_come_from_django_settings(settings, rates) -> None:  # type: ignore[no-untyped-def]
    settings.FULFILMENT_BUFFER_DAYS = 2
    settings.FULFILMENT_TIR_GUARANTEE_EUR = Decimal("50000")
    settings.FULFILMENT_REEFER_PREMIUM_FROZEN = Decimal("1.5")
    settings.FULFILMENT_DOMESTIC_BASE_USD = Decimal("4.00")
    settings.FULFILMENT_DOMESTIC_DAYS_LARGE = (3, 9)
    settings.FULFILMENT_DOMESTIC_LARGE_COUNTRIES = ["KZ"]

    planner = planner_settings()

    assert planner.buffer_days == 2
    assert planner.tir_guarantee_eur == Decimal("50000")
    assert planner.reefer_premium_frozen == Decimal("1.5")
    assert planner.domestic_base_usd == Decimal("4.00")
    assert planner.domestic_days_large == (3, 9)
    assert planner.domestic_large_countries == frozenset({"KZ"})


def test_a_closed_lane_is_not_quoted(seeded: tuple[int, int]) -> None:
    lane = Lane.objects.get(origin__code="XIY", destination__code="TAS", mode="rail")
    lane.status = "closed"
    lane.save()

    assert quote().mode == "rail_road"
