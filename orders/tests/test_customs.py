"""Duty rules as data: both EAEU regimes on both sides of the €200 / 31 kg thresholds, UZ's monthly allowance."""

from datetime import date
from decimal import Decimal

import pytest

from core.money import Money
from orders.customs import duty_estimate, duty_rule_for, import_needed

EAEU_2024_DAY = date(2025, 6, 1)
EAEU_2026_DAY = date(2026, 8, 1)


@pytest.mark.parametrize(
    ("value", "weight", "expected"),
    [
        ("199.99", "30", "0"),
        ("200", "31", "0"),  # exactly at both thresholds: still duty-free
        ("200.01", "31", "0.0015"),  # 15% of one cent above
        ("300", "10", "15.00"),  # 15% of the €100 excess
        ("100", "41", "20"),  # light value, 10 kg over: €2/kg
        ("300", "41", "20"),  # both over: the larger of €15 and €20
        ("1000", "32", "120.00"),  # both over: the larger of €120 and €2
    ],
)
def test_eaeu_2024_regime_taxes_only_the_excess(value: str, weight: str, expected: str) -> None:
    estimate = duty_estimate(
        country="KZ", on=EAEU_2024_DAY, value=Money(Decimal(value), "EUR"), weight_kg=Decimal(weight)
    )
    assert estimate.rule_key == "eaeu-2024"
    assert estimate.total == Money(Decimal(expected), "EUR")


@pytest.mark.parametrize(
    ("country", "value", "weight", "duty", "vat"),
    [
        ("KZ", "200", "50", "0", "0"),  # the 2026 regime has no weight threshold
        ("KZ", "300", "10", "15.00", "50.4000"),  # 5% of the whole value, KZ VAT 16% on value + duty
        ("KZ", "300", "40", "40", "54.40"),  # at least €1 per kg
        ("RU", "400", "2", "20.00", "84.0000"),  # RU VAT 20%
        ("KG", "250", "1", "12.50", "31.5000"),  # KG VAT 12%
    ],
)
def test_eaeu_2026_regime_taxes_the_whole_value_plus_vat(
    country: str, value: str, weight: str, duty: str, vat: str
) -> None:
    estimate = duty_estimate(
        country=country, on=EAEU_2026_DAY, value=Money(Decimal(value), "EUR"), weight_kg=Decimal(weight)
    )
    assert estimate.rule_key == "eaeu-2026"
    assert estimate.duty == Money(Decimal(duty), "EUR")
    assert estimate.vat == Money(Decimal(vat), "EUR")
    assert estimate.total == Money(Decimal(duty) + Decimal(vat), "EUR")


def test_regime_is_chosen_by_date() -> None:
    assert duty_rule_for(country="RU", on=date(2024, 3, 31)) is None
    assert duty_rule_for(country="RU", on=date(2024, 4, 1)).key == "eaeu-2024"
    assert duty_rule_for(country="RU", on=date(2026, 6, 30)).key == "eaeu-2024"
    assert duty_rule_for(country="RU", on=date(2026, 7, 1)).key == "eaeu-2026"


def test_kazakh_vat_changed_in_2026() -> None:
    before = duty_estimate(country="KZ", on=date(2025, 12, 31), value=Money(300, "EUR"), weight_kg=Decimal(1))
    after = duty_estimate(country="KZ", on=date(2026, 7, 2), value=Money(300, "EUR"), weight_kg=Decimal(1))
    assert before.vat is None  # 2024 regime: no VAT in the parcel estimate
    assert after.vat == Money(Decimal("50.40"), "EUR")


def test_uzbekistan_allowance_counts_what_was_already_imported_this_month() -> None:
    day = date(2026, 3, 10)
    within = duty_estimate(country="UZ", on=day, value=Money(200, "USD"), weight_kg=Decimal(5))
    assert within.total == Money(0, "USD")
    over = duty_estimate(
        country="UZ", on=day, value=Money(80, "USD"), weight_kg=Decimal(1), allowance_used=Money(150, "USD")
    )
    assert over.total == Money(Decimal("9.00"), "USD")  # 30% of the $30 above what was left
    assert duty_rule_for(country="UZ", on=date(2025, 4, 30)) is None


def test_unknown_country_says_so() -> None:
    estimate = duty_estimate(country="MN", on=EAEU_2026_DAY, value=Money(1000, "USD"), weight_kg=Decimal(1))
    assert estimate.total is None
    assert estimate.note == "no rule known for MN: duties are collected on delivery"


def test_value_in_the_wrong_currency_is_refused() -> None:
    with pytest.raises(ValueError, match="EUR"):
        duty_estimate(country="KZ", on=EAEU_2026_DAY, value=Money(300, "USD"), weight_kg=Decimal(1))


CN_DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("value", "used", "hs_codes", "single", "duty", "vat", "counted"),
    [
        ("4320", "0", ["520812"], False, "0", "393.12", "4320"),  # within: VAT 13% × 70%
        ("1000", "0", ["080929"], False, "0", "63.00", "1000"),  # cherries: farm-produce VAT 9% × 70%
        ("1000", "0", ["080929", "520812"], False, "0", "91.00", "1000"),  # mixed parcel: the standard rate
        ("5000", "21000", ["520812"], False, "0", "455.00", "5000"),  # exactly at both limits: still within
        ("6000", "0", ["520812"], False, "450.00", "838.50", "0"),  # several items over ¥5,000: general trade
        ("6000", "0", ["520812"], True, "450.00", "838.50", "6000"),  # one item over ¥5,000: full tax, counted
        ("4320", "25920", ["520812"], False, "324.00", "603.72", "0"),  # past the annual allowance
    ],
)
def test_china_cross_border_e_commerce_limits(
    value: str, used: str, hs_codes: list[str], single: bool, duty: str, vat: str, counted: str
) -> None:
    estimate = duty_estimate(
        country="CN",
        on=CN_DAY,
        value=Money(Decimal(value), "CNY"),
        weight_kg=Decimal(1),
        allowance_used=Money(Decimal(used), "CNY"),
        hs_codes=hs_codes,
        single_item=single,
    )
    assert estimate.rule_key == "cn-cbec-2019"
    assert estimate.duty == Money(Decimal(duty), "CNY")
    assert estimate.vat == Money(Decimal(vat), "CNY")
    assert estimate.allowance_counted == Money(Decimal(counted), "CNY")


def test_china_rule_is_dated() -> None:
    assert duty_rule_for(country="CN", on=date(2018, 12, 31)) is None
    rule = duty_rule_for(country="CN", on=date(2019, 1, 1))
    assert rule is not None and rule.annual_limit == Decimal("26000") and rule.value_threshold == Decimal("5000")
    assert rule.as_json()["source_date"] == "2018-11-29"


@pytest.mark.parametrize(("value", "expected"), [("100", "0"), ("150", "15.00")])
def test_tajikistan_parcels(value: str, expected: str) -> None:
    estimate = duty_estimate(country="TJ", on=CN_DAY, value=Money(Decimal(value), "USD"), weight_kg=Decimal(1))
    assert estimate.rule_key == "tj-parcels" and estimate.total == Money(Decimal(expected), "USD")


def test_every_served_country_has_a_rule_or_says_none_is_known() -> None:
    from core.reference import countries_in_force

    for country in countries_in_force(CN_DAY):
        rule = duty_rule_for(country=country.code, on=CN_DAY)
        if country.code in {"CN", "RU", "KZ", "KG", "BY", "AM", "UZ", "TJ"}:
            assert rule is not None, country.code
        else:
            assert rule is None
            note = duty_estimate(country=country.code, on=CN_DAY, value=Money(1, "USD"), weight_kg=Decimal(1)).note
            assert note == f"no rule known for {country.code}: duties are collected on delivery"


def test_no_import_inside_one_customs_territory() -> None:
    assert not import_needed(origin_country="KZ", destination_country="RU")  # the EAEU is one territory
    assert not import_needed(origin_country="UZ", destination_country="UZ")
    assert import_needed(origin_country="KZ", destination_country="UZ")  # leaving the EAEU clears again
    assert import_needed(origin_country="UZ", destination_country="KZ")
    assert import_needed(origin_country="KZ", destination_country="CN")
