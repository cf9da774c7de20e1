"""Import duty estimates per parcel, from dated rules kept as data (DOMAIN.md, "Customs for e-commerce parcels").

The rules are records with effective dates rather than a table: they change by law a few times a
decade, every change deserves a code review and a test, and the estimator stays pure (no
database) so it can be tested by a table of cases. To change a rule, add a record with its
``starts_on`` and close the previous one with ``ends_on``; never edit a rule in force in the past,
orders quoted under it must stay explainable.

Figures are indicative (public reports up to early 2026). Each rule's amounts are in the rule's
own currency (EUR for the EAEU, USD for Uzbekistan); the caller converts the parcel value into it
at a recorded exchange rate and converts the result into the order currency.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import Money

EAEU_EXCESS = "eaeu_excess"  # duty on the part above the thresholds (EAEU 2024 regime)
EAEU_WHOLE_VALUE = "eaeu_whole_value"  # duty on the whole value above the threshold, plus VAT (2026)
MONTHLY_ALLOWANCE = "monthly_allowance"  # duty-free up to a sum per buyer per calendar month (UZ)

EAEU_COUNTRIES = frozenset({"RU", "KZ", "KG", "BY", "AM"})


@dataclass(frozen=True, slots=True)
class DutyRule:
    """One regime for parcels sent to a person in ``countries`` from ``starts_on`` until ``ends_on`` (exclusive)."""

    key: str
    countries: frozenset[str]
    kind: str
    currency: str
    starts_on: date
    ends_on: date | None
    value_threshold: Decimal
    rate: Decimal
    weight_threshold_kg: Decimal | None = None
    minimum_per_kg: Decimal | None = None
    includes_vat: bool = False
    source: str = ""

    def is_in_force(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


@dataclass(frozen=True, slots=True)
class VatRate:
    country: str
    rate: Decimal
    starts_on: date
    ends_on: date | None = None

    def is_in_force(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


DUTY_RULES: tuple[DutyRule, ...] = (
    DutyRule(
        key="eaeu-2024",
        countries=EAEU_COUNTRIES,
        kind=EAEU_EXCESS,
        currency="EUR",
        starts_on=date(2024, 4, 1),
        ends_on=date(2026, 7, 1),
        value_threshold=Decimal("200"),
        weight_threshold_kg=Decimal("31"),
        rate=Decimal("0.15"),
        minimum_per_kg=Decimal("2"),
        source="EEC Council decision 107 (2018) as amended; thresholds €200 / 31 kg per parcel from 1 Apr 2024",
    ),
    DutyRule(
        key="eaeu-2026",
        countries=EAEU_COUNTRIES,
        kind=EAEU_WHOLE_VALUE,
        currency="EUR",
        starts_on=date(2026, 7, 1),
        ends_on=None,
        value_threshold=Decimal("200"),
        rate=Decimal("0.05"),
        minimum_per_kg=Decimal("1"),
        includes_vat=True,
        source="EAEU e-commerce regime from 1 Jul 2026: 5% of the whole value above €200 plus national VAT",
    ),
    DutyRule(
        key="uz-2025",
        countries=frozenset({"UZ"}),
        kind=MONTHLY_ALLOWANCE,
        currency="USD",
        starts_on=date(2025, 5, 1),
        ends_on=None,
        value_threshold=Decimal("200"),
        # Above the allowance Uzbekistan levies a single customs payment on the excess; 30% is the
        # indicative rate for personal imports (an assumption until confirmed, see docs/adr).
        rate=Decimal("0.30"),
        source="Uzbekistan, courier parcels duty-free up to $200 per person per month from 1 May 2025",
    ),
)

VAT_RATES: tuple[VatRate, ...] = (
    VatRate("RU", Decimal("0.20"), date(2019, 1, 1)),
    VatRate("KZ", Decimal("0.12"), date(2009, 1, 1), date(2026, 1, 1)),
    VatRate("KZ", Decimal("0.16"), date(2026, 1, 1)),
    VatRate("KG", Decimal("0.12"), date(2012, 1, 1)),
    VatRate("BY", Decimal("0.20"), date(2012, 1, 1)),
    VatRate("AM", Decimal("0.20"), date(2012, 1, 1)),
)


@dataclass(frozen=True, slots=True)
class DutyEstimate:
    """Duty and VAT for one parcel in the rule's currency (unrounded); ``note`` says why, for the buyer."""

    country: str
    rule_key: str | None
    duty: Money | None
    vat: Money | None
    note: str

    @property
    def total(self) -> Money | None:
        if self.duty is None:
            return None
        return self.duty + self.vat if self.vat is not None else self.duty


def duty_rule_for(*, country: str, on: date) -> DutyRule | None:
    for rule in DUTY_RULES:
        if country in rule.countries and rule.is_in_force(on):
            return rule
    return None


def vat_rate_for(*, country: str, on: date) -> Decimal | None:
    for vat in VAT_RATES:
        if vat.country == country and vat.is_in_force(on):
            return vat.rate
    return None


def _eaeu_excess(rule: DutyRule, country: str, value: Money, weight_kg: Decimal) -> DutyEstimate:
    zero = Money(0, rule.currency)
    weight_limit = rule.weight_threshold_kg or Decimal(0)
    excess_value = max(value.amount - rule.value_threshold, Decimal(0))
    excess_weight = max(weight_kg - weight_limit, Decimal(0))
    if excess_value == 0 and excess_weight == 0:
        note = f"Duty-free: within {rule.currency} {rule.value_threshold} and {weight_limit} kg per parcel."
        return DutyEstimate(country, rule.key, zero, None, note)
    by_value = excess_value * rule.rate
    by_weight = excess_weight * (rule.minimum_per_kg or Decimal(0))
    duty = max(by_value, by_weight)
    note = (
        f"{rule.rate:.0%} of the value above {rule.currency} {rule.value_threshold}, at least "
        f"{rule.currency} {rule.minimum_per_kg} per kg above {weight_limit} kg."
    )
    return DutyEstimate(country, rule.key, Money(duty, rule.currency), None, note)


def _eaeu_whole_value(rule: DutyRule, country: str, value: Money, weight_kg: Decimal, on: date) -> DutyEstimate:
    zero = Money(0, rule.currency)
    if value.amount <= rule.value_threshold:
        note = f"Duty-free: within {rule.currency} {rule.value_threshold} per parcel."
        return DutyEstimate(country, rule.key, zero, zero, note)
    duty = max(value.amount * rule.rate, weight_kg * (rule.minimum_per_kg or Decimal(0)))
    vat_rate = vat_rate_for(country=country, on=on) or Decimal(0)
    # VAT is charged on the customs value plus the duty, as on any import.
    vat = (value.amount + duty) * vat_rate
    note = (
        f"{rule.rate:.0%} of the whole value above {rule.currency} {rule.value_threshold} (at least "
        f"{rule.currency} {rule.minimum_per_kg} per kg) plus {country} VAT {vat_rate:.0%}."
    )
    return DutyEstimate(country, rule.key, Money(duty, rule.currency), Money(vat, rule.currency), note)


def _monthly_allowance(rule: DutyRule, country: str, value: Money, already_used: Money) -> DutyEstimate:
    remaining = max(rule.value_threshold - already_used.amount, Decimal(0))
    excess = max(value.amount - remaining, Decimal(0))
    if excess == 0:
        note = (
            f"Duty-free: within the {rule.currency} {rule.value_threshold} monthly allowance "
            f"({rule.currency} {remaining:.2f} left before this parcel)."
        )
        return DutyEstimate(country, rule.key, Money(0, rule.currency), None, note)
    note = (
        f"{rule.rate:.0%} of the value above the {rule.currency} {rule.value_threshold} monthly allowance "
        f"({rule.currency} {remaining:.2f} was left this month)."
    )
    return DutyEstimate(country, rule.key, Money(excess * rule.rate, rule.currency), None, note)


def duty_estimate(
    *, country: str, on: date, value: Money, weight_kg: Decimal, allowance_used: Money | None = None
) -> DutyEstimate:
    """Duty (and VAT where the regime includes it) on one parcel to ``country`` imported on ``on``.

    ``value`` must be in the rule's currency (see ``duty_rule_for``); ``allowance_used`` is what
    the buyer already imported this month under a monthly allowance, in the same currency.
    """
    rule = duty_rule_for(country=country, on=on)
    if rule is None:
        return DutyEstimate(country, None, None, None, f"no duty rule known for {country}")
    if value.currency.code != rule.currency:
        raise ValueError(f"Parcel value must be in {rule.currency} for rule {rule.key}")
    if rule.kind == EAEU_EXCESS:
        return _eaeu_excess(rule, country, value, weight_kg)
    if rule.kind == EAEU_WHOLE_VALUE:
        return _eaeu_whole_value(rule, country, value, weight_kg, on)
    return _monthly_allowance(rule, country, value, allowance_used or Money(0, rule.currency))
