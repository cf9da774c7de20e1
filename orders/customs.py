"""Import duty estimates per parcel, from dated rules kept as data (DOMAIN.md, "Customs for e-commerce parcels").

The rules are records with effective dates rather than a table: they change by law a few times a
decade, every change deserves a code review and a test, and the estimator stays pure (no
database) so it can be tested by a table of cases. To change a rule, add a record with its
``starts_on`` and close the previous one with ``ends_on``; never edit a rule in force in the past,
orders quoted under it must stay explainable.

Figures are indicative (public reports up to early 2026). Each rule's amounts are in the rule's
own currency (EUR for the EAEU, USD for Uzbekistan and Tajikistan, CNY for China); the caller
converts the parcel value into it at a recorded exchange rate and converts the result into the
order currency. Every buyer country the marketplace serves has a rule or the plain statement that
none is known (duties are then collected on delivery).

Duties are due only when a parcel enters the buyer's customs territory: goods stocked in an
Almaty warehouse were cleared into the EAEU when they arrived there, so they reach a buyer in
Moscow or Bishkek without another clearance (``import_needed``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import Money
from core.reference import country_get, same_customs_union

EAEU_EXCESS = "eaeu_excess"  # duty on the part above the thresholds (EAEU 2024 regime)
EAEU_WHOLE_VALUE = "eaeu_whole_value"  # duty on the whole value above the threshold, plus VAT (2026)
MONTHLY_ALLOWANCE = "monthly_allowance"  # duty-free up to a sum per buyer per calendar month (UZ)
PARCEL_THRESHOLD = "parcel_threshold"  # duty-free up to a value per parcel, the excess taxed (TJ)
CN_CBEC = "cn_cbec"  # China's cross-border e-commerce retail import regime (per order and per year)

NO_RULE_NOTE = "no rule known for {country}: duties are collected on delivery"

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
    #: A name a buyer can read, and the date of the source the figures come from.
    name: str = ""
    source_date: date | None = None
    #: China CBEC: the per-person allowance per calendar year (``value_threshold`` is per order),
    #: the share of VAT and consumption tax due within the limits, and the general-trade duty rate
    #: applied above them (an average: the estimator has no per-HS tariff table).
    annual_limit: Decimal | None = None
    tax_share_within_limits: Decimal | None = None
    general_trade_duty_rate: Decimal | None = None

    def is_in_force(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)

    def as_json(self) -> dict[str, object]:
        """What the checkout shows of the rule: which one, and how current its source is."""
        return {
            "key": self.key,
            "name": self.name,
            "source": self.source,
            "source_date": self.source_date.isoformat() if self.source_date else None,
            "in_force_since": self.starts_on.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class VatRate:
    country: str
    rate: Decimal
    starts_on: date
    ends_on: date | None = None
    #: HS chapters (2 digits) taxed at this rate instead of the standard one; empty for the standard rate.
    hs_chapters: frozenset[str] = frozenset()

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
        name="EAEU parcels for personal use: €200 and 31 kg per parcel duty-free, 15% of the excess",
        source_date=date(2024, 4, 1),
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
        name="EAEU e-commerce goods: €200 per parcel duty-free, above it 5% of the whole value plus VAT",
        source_date=date(2026, 1, 1),
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
        name="Uzbekistan courier parcels: $200 a month per person duty-free, 30% of the excess (assumed)",
        source_date=date(2025, 5, 1),
    ),
    DutyRule(
        key="tj-parcels",
        countries=frozenset({"TJ"}),
        kind=PARCEL_THRESHOLD,
        currency="USD",
        starts_on=date(2010, 1, 1),
        ends_on=None,
        value_threshold=Decimal("100"),
        # Tajikistan lets individuals receive mail items worth up to $100 without customs payments;
        # above it the excess is taxed. 30% (customs duty plus 15% VAT, roughly) is an assumption,
        # like Uzbekistan's, and the source is a carrier's guidance, not the customs code.
        rate=Decimal("0.30"),
        source="Tajikistan: international mail items to individuals up to $100 without customs payments "
        "(carrier customs guidance, https://www.uzairways.com/en/flights/republic-tajikistan; low confidence)",
        name="Tajikistan parcels: $100 per parcel without customs payments, 30% of the excess (assumed)",
        source_date=date(2024, 1, 1),
    ),
    DutyRule(
        key="cn-cbec-2019",
        countries=frozenset({"CN"}),
        kind=CN_CBEC,
        currency="CNY",
        starts_on=date(2019, 1, 1),
        ends_on=None,
        value_threshold=Decimal("5000"),
        annual_limit=Decimal("26000"),
        rate=Decimal("0"),
        tax_share_within_limits=Decimal("0.7"),
        # China's simple average applied MFN tariff (WTO World Tariff Profiles, about 7.5%): the
        # estimator has no per-HS tariff table, so general trade above the limits uses the average.
        general_trade_duty_rate=Decimal("0.075"),
        source="MOF/GACS/STA Cai Guan Shui [2018] No. 49 (limits from 1 Jan 2019), confirmed by Ningbo Customs "
        "Q&A, Nov 2025 (https://www.cceeccic.org/1452613053.html); goods must be on the CBEC positive list",
        name="China cross-border e-commerce retail imports: ¥5,000 per order and ¥26,000 a year per person; "
        "within them 0% tariff and 70% of import VAT and consumption tax; above them general trade, taxed in full",
        source_date=date(2018, 11, 29),
    ),
)

VAT_RATES: tuple[VatRate, ...] = (
    VatRate("RU", Decimal("0.20"), date(2019, 1, 1)),
    VatRate("KZ", Decimal("0.12"), date(2009, 1, 1), date(2026, 1, 1)),
    VatRate("KZ", Decimal("0.16"), date(2026, 1, 1)),
    VatRate("KG", Decimal("0.12"), date(2012, 1, 1)),
    VatRate("BY", Decimal("0.20"), date(2012, 1, 1)),
    VatRate("AM", Decimal("0.20"), date(2012, 1, 1)),
    # China: 13% standard since 1 Apr 2019; 9% for farm produce, grain, edible oils (approximated by
    # HS chapters 01-12 and 15). Consumption tax (cosmetics, jewellery, alcohol...) is not estimated.
    VatRate("CN", Decimal("0.13"), date(2019, 4, 1)),
    VatRate(
        "CN",
        Decimal("0.09"),
        date(2019, 4, 1),
        hs_chapters=frozenset({f"{chapter:02d}" for chapter in range(1, 13)} | {"15"}),
    ),
)


@dataclass(frozen=True, slots=True)
class DutyEstimate:
    """Duty and VAT for one parcel in the rule's currency (unrounded); ``note`` says why, for the buyer.

    ``allowance_counted`` is what the parcel uses of the buyer's allowance (China's annual one).
    """

    country: str
    rule_key: str | None
    duty: Money | None
    vat: Money | None
    note: str
    allowance_counted: Money | None = None

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


def rule_by_key(key: str) -> DutyRule | None:
    """A rule by its key, for orders quoted under it (the key is stored on each shipment)."""
    return next((rule for rule in DUTY_RULES if rule.key == key), None)


def vat_rate_for(*, country: str, on: date, hs_codes: Sequence[str] = ()) -> Decimal | None:
    """The VAT rate of an import; a reduced rate applies only when every line's HS chapter has it."""
    chapters = {code[:2] for code in hs_codes if code}
    standard = None
    for vat in VAT_RATES:
        if vat.country != country or not vat.is_in_force(on):
            continue
        if not vat.hs_chapters:
            standard = vat.rate
        elif chapters and chapters <= vat.hs_chapters:
            return vat.rate
    return standard


def customs_territory(country: str) -> str:
    """The customs territory of a country: EAEU for its members (one territory), else the country's own code."""
    known = country_get(country)
    return "EAEU" if known is not None and known.eaeu else country


def import_needed(*, origin_country: str, destination_country: str) -> bool:
    """Does a parcel clear customs on its way? Not within one country, nor within the EAEU."""
    return not same_customs_union(origin_country, destination_country)


def no_import_note(*, origin_country: str, destination_country: str, place: str) -> str:
    if origin_country == destination_country:
        return f"No import duty: the goods are already in {destination_country} ({place})."
    return (
        f"No import duty: the goods were cleared into the EAEU at {place} ({origin_country}) "
        f"and reach {destination_country} inside the customs union."
    )


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


def _parcel_threshold(rule: DutyRule, country: str, value: Money) -> DutyEstimate:
    excess = max(value.amount - rule.value_threshold, Decimal(0))
    if excess == 0:
        note = f"Duty-free: within {rule.currency} {rule.value_threshold} per parcel."
        return DutyEstimate(country, rule.key, Money(0, rule.currency), None, note)
    note = f"{rule.rate:.0%} of the value above {rule.currency} {rule.value_threshold} per parcel (assumed rate)."
    return DutyEstimate(country, rule.key, Money(excess * rule.rate, rule.currency), None, note)


def _cn_cbec(
    rule: DutyRule, value: Money, allowance_used: Money, on: date, hs_codes: Sequence[str], single_item: bool
) -> DutyEstimate:
    currency = rule.currency
    annual = rule.annual_limit or Decimal(0)
    share = rule.tax_share_within_limits or Decimal(1)
    vat_rate = vat_rate_for(country="CN", on=on, hs_codes=hs_codes) or Decimal(0)
    remaining = max(annual - allowance_used.amount, Decimal(0))
    left = f"¥{remaining:,.2f} of the ¥{annual:,.0f} annual allowance left before this order"
    if value.amount <= rule.value_threshold and value.amount <= remaining:
        note = (
            f"China cross-border e-commerce: within ¥{rule.value_threshold:,.0f} per order ({left}): "
            f"0% tariff, import VAT {vat_rate:.0%} × {share:.0%}."
        )
        vat = Money(value.amount * vat_rate * share, currency)
        return DutyEstimate("CN", rule.key, Money(0, currency), vat, note, allowance_counted=value)
    duty_rate = rule.general_trade_duty_rate or Decimal(0)
    duty = value.amount * duty_rate
    vat = Money((value.amount + duty) * vat_rate, currency)
    if value.amount <= remaining and single_item:
        # One indivisible item above the per-order limit still goes through the CBEC channel,
        # taxed in full, and counts against the annual allowance.
        note = (
            f"China cross-border e-commerce: a single item above ¥{rule.value_threshold:,.0f} ({left}) is "
            f"taxed in full: duty ~{duty_rate:.1%} (average tariff) and import VAT {vat_rate:.0%}."
        )
        return DutyEstimate("CN", rule.key, Money(duty, currency), vat, note, allowance_counted=value)
    reason = (
        f"above the ¥{rule.value_threshold:,.0f} per-order limit"
        if value.amount <= remaining
        else f"past the buyer's annual allowance ({left})"
    )
    note = (
        f"China: this order is {reason}, so it is general trade, taxed in full: duty ~{duty_rate:.1%} "
        f"(average tariff) and import VAT {vat_rate:.0%}."
    )
    return DutyEstimate("CN", rule.key, Money(duty, currency), vat, note, allowance_counted=Money(0, currency))


def duty_estimate(
    *,
    country: str,
    on: date,
    value: Money,
    weight_kg: Decimal,
    allowance_used: Money | None = None,
    hs_codes: Sequence[str] = (),
    single_item: bool = False,
) -> DutyEstimate:
    """Duty (and VAT where the regime includes it) on one parcel to ``country`` imported on ``on``.

    ``value`` must be in the rule's currency (see ``duty_rule_for``); ``allowance_used`` is what
    the buyer already imported in the allowance's period (this month for Uzbekistan, this year
    for China), in the same currency. ``hs_codes`` of the parcel's lines choose China's VAT rate;
    ``single_item`` says the parcel is one indivisible item (China's rule above ¥5,000).
    """
    rule = duty_rule_for(country=country, on=on)
    if rule is None:
        return DutyEstimate(country, None, None, None, NO_RULE_NOTE.format(country=country))
    if value.currency.code != rule.currency:
        raise ValueError(f"Parcel value must be in {rule.currency} for rule {rule.key}")
    used = allowance_used or Money(0, rule.currency)
    if rule.kind == EAEU_EXCESS:
        return _eaeu_excess(rule, country, value, weight_kg)
    if rule.kind == EAEU_WHOLE_VALUE:
        return _eaeu_whole_value(rule, country, value, weight_kg, on)
    if rule.kind == PARCEL_THRESHOLD:
        return _parcel_threshold(rule, country, value)
    if rule.kind == CN_CBEC:
        return _cn_cbec(rule, value, used, on, hs_codes, single_item)
    return _monthly_allowance(rule, country, value, used)
