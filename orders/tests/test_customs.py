"""Duty rules as data: both EAEU regimes on both sides of the €200 / 31 kg thresholds, UZ's monthly allowance."""

from datetime import date
from decimal import Decimal

import pytest

from core.money import Money
from orders.customs import duty_estimate, duty_rule_for

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
    estimate = duty_estimate(country="CN", on=EAEU_2026_DAY, value=Money(1000, "USD"), weight_kg=Decimal(1))
    assert estimate.total is None
    assert estimate.note == "no duty rule known for CN"


def test_value_in_the_wrong_currency_is_refused() -> None:
    with pytest.raises(ValueError, match="EUR"):
        duty_estimate(country="KZ", on=EAEU_2026_DAY, value=Money(300, "USD"), weight_kg=Decimal(1))
