"""Planner inputs: the quote request, the tunable settings, and the validated load profile derived from both."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .errors import ColdChainUnavailable, InvalidRequest, UnknownCurrency


class Preference(StrEnum):
    CHEAPEST = "cheapest"
    FASTEST = "fastest"


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """One consignment to move from an origin hub to a destination hub or country (ISO2).

    `pieces` is how many separate handling pieces the load has (None: freely divisible, e.g.
    palletised goods); pass 1 for a single parcel, which must then fit in one truck or container.
    `ship_date` is a date (goods ready at the start of that day) or an aware datetime (compared
    with each lane's cut-off in the origin hub's zone); None means today at the origin hub.
    `declared_value` and `duties_estimate` are in `currency`; without a duties estimate the TIR
    guarantee check assumes `PlannerSettings.assumed_duties_and_taxes_rate` of the declared value.
    """

    origin: str
    destination: str
    weight_kg: Decimal | float
    volume_m3: Decimal | float = 0
    declared_value: Decimal = Decimal(0)
    currency: str = "USD"
    perishable: bool = False
    temperature_min_c: float | None = None
    temperature_max_c: float | None = None
    deadline_days: int | None = None
    shelf_life_days: int | None = None
    ship_date: date | datetime | None = None
    preference: Preference | str = Preference.CHEAPEST
    duties_estimate: Decimal | None = None
    pieces: int | None = None
    carrying_cost_rate_per_year: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlannerSettings:
    """Every tunable of the decision rule, with defaults from DOMAIN.md; none is hard-coded elsewhere.

    Exchange rates have no default: the planner converts with exactly the rates it is given
    (``usd_per_currency``: USD for one unit of each currency, EUR included for the TIR guarantee),
    so a quote never mixes the planner's rates with the caller's. The Django adapter passes core's
    stored rates (``warehouses.transport.selectors.planner_settings``).
    """

    #: Cost of capital tied up in goods per year; seasonal or livestream stock deserves more.
    carrying_cost_rate_per_year: Decimal = Decimal("0.25")
    #: Extra days added to p90 before comparing with a deadline or shelf life. Zero by default
    #: because p90 already is the safety margin (and the worked Xi'an-Tashkent check needs it).
    buffer_days: int = 0
    #: Days to transfer at an intermediate hub before the next leg can depart.
    connection_days: int = 1
    reefer_premium_chilled: Decimal = Decimal("1.2")
    reefer_premium_frozen: Decimal = Decimal("1.4")
    #: A maximum temperature below this means frozen goods.
    frozen_below_c: float = 0.0
    #: Range reefer trailers and containers can hold.
    reefer_min_c: float = -25.0
    reefer_max_c: float = 25.0
    tir_guarantee_eur: Decimal = Decimal("100000")
    assumed_duties_and_taxes_rate: Decimal = Decimal("0.30")
    #: Share of the (p90 - typical) days charged at the carrying rate as a delay-risk cost: for
    #: right-skewed transit times the expected overrun is roughly half the p90 tail.
    risk_share_of_p90_tail: Decimal = Decimal("0.5")
    max_legs: int = 3
    volumetric_kg_per_m3: int = 333
    #: Payload of the reefer units, which carry less than dry ones (network.json `_meta.units`).
    reefer_trailer_kg: float = 20000.0
    reefer_trailer_m3: float = 80.0
    reefer_container_kg: float = 25680.0
    reefer_container_m3: float = 57.8
    #: `limited` cold chain (reefer only on scheduled or pilot trains) is usable only by booking
    #: whole reefer units in advance; groupage perishables cannot be promised a reefer slot.
    limited_cold_chain_allows_full_units: bool = True
    #: Domestic road delivery (goods already in the buyer's country, and the last mile of a
    #: cross-border parcel): base + rate × chargeable kg, days (min, max) by country size.
    domestic_base_usd: Decimal = Decimal("3.00")
    domestic_usd_per_kg: Decimal = Decimal("0.25")
    domestic_days: tuple[int, int] = (1, 3)
    domestic_days_large: tuple[int, int] = (2, 7)
    domestic_large_countries: frozenset[str] = frozenset({"RU", "CN", "KZ", "IN", "IR", "MN", "PK", "SA", "TR"})
    usd_per_currency: Mapping[str, Decimal] = field(kw_only=True)

    def usd(self, amount: Decimal, currency: str, *, field_name: str = "currency") -> Decimal:
        rate = self.usd_per_currency.get(currency.upper())
        if rate is None:
            raise UnknownCurrency(f"no exchange rate for currency {currency!r}", field=field_name)
        return amount * rate


@dataclass(frozen=True, slots=True)
class LoadProfile:
    """A validated request in the planner's units: what every mode policy prices and checks."""

    weight_kg: float
    volume_m3: float
    chargeable_kg: Decimal
    pieces: int | None
    piece_kg: float
    piece_m3: float
    needs_cold_chain: bool
    is_frozen: bool
    reefer_premium: Decimal
    declared_value_usd: Decimal
    duties_eur: Decimal
    duties_estimated: bool
    carrying_rate_per_year: Decimal
    daily_carrying_usd: Decimal
    preference: Preference


def _positive_number(value: Decimal | float, field_name: str, *, allow_zero: bool) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    except (TypeError, ValueError) as error:
        raise InvalidRequest(f"{field_name} must be a number", field=field_name, code="not_a_number") from error
    if not number.is_finite():
        raise InvalidRequest(f"{field_name} must be a finite number", field=field_name, code="not_a_number")
    if number < 0 or (number == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise InvalidRequest(f"{field_name} must be {bound}, got {number}", field=field_name, code="out_of_range")
    return number


def _positive_days(value: int | None, field_name: str) -> None:
    if value is not None and (not isinstance(value, int) or value < 1):
        raise InvalidRequest(f"{field_name} must be a whole number of days, at least 1", field=field_name)


def profile_load(request: QuoteRequest, settings: PlannerSettings) -> LoadProfile:
    """Validate a request and derive chargeable weight, reefer needs and money in USD/EUR."""
    weight = _positive_number(request.weight_kg, "weight_kg", allow_zero=False)
    volume = _positive_number(request.volume_m3, "volume_m3", allow_zero=True)
    declared = _positive_number(request.declared_value, "declared_value", allow_zero=True)
    _positive_days(request.deadline_days, "deadline_days")
    _positive_days(request.shelf_life_days, "shelf_life_days")
    if request.pieces is not None and (not isinstance(request.pieces, int) or request.pieces < 1):
        raise InvalidRequest("pieces must be a whole number, at least 1", field="pieces")
    try:
        preference = Preference(request.preference)
    except ValueError as error:
        raise InvalidRequest("preference must be 'cheapest' or 'fastest'", field="preference") from error

    low, high = request.temperature_min_c, request.temperature_max_c
    for value, name in ((low, "temperature_min_c"), (high, "temperature_max_c")):
        if value is not None and not math.isfinite(value):
            raise InvalidRequest(f"{name} must be a finite number", field=name)
    if low is not None and high is not None and low > high:
        raise InvalidRequest("temperature_min_c is above temperature_max_c", field="temperature_min_c")
    needs_cold_chain = request.perishable or low is not None or high is not None
    if low is not None and not settings.reefer_min_c <= low <= settings.reefer_max_c:
        raise ColdChainUnavailable(
            f"no reefer unit holds {low:g} °C (range {settings.reefer_min_c:g} to {settings.reefer_max_c:g} °C)",
            field="temperature_min_c",
        )
    is_frozen = high is not None and high < settings.frozen_below_c
    if needs_cold_chain:
        reefer_premium = settings.reefer_premium_frozen if is_frozen else settings.reefer_premium_chilled
    else:
        reefer_premium = Decimal(1)

    currency = request.currency.upper()
    declared_usd = settings.usd(declared, currency)
    usd_per_eur = settings.usd(Decimal(1), "EUR")
    if request.duties_estimate is None:
        duties_usd = declared_usd * settings.assumed_duties_and_taxes_rate
    else:
        duties = _positive_number(request.duties_estimate, "duties_estimate", allow_zero=True)
        duties_usd = settings.usd(duties, currency)
    rate = request.carrying_cost_rate_per_year
    if rate is None:
        rate = settings.carrying_cost_rate_per_year
    else:
        rate = _positive_number(rate, "carrying_cost_rate_per_year", allow_zero=True)

    pieces = request.pieces
    weight_float, volume_float = float(weight), float(volume)
    return LoadProfile(
        weight_kg=weight_float,
        volume_m3=volume_float,
        chargeable_kg=max(weight, volume * settings.volumetric_kg_per_m3),
        pieces=pieces,
        piece_kg=weight_float / pieces if pieces else 0.0,
        piece_m3=volume_float / pieces if pieces else 0.0,
        needs_cold_chain=needs_cold_chain,
        is_frozen=is_frozen,
        reefer_premium=reefer_premium,
        declared_value_usd=declared_usd,
        duties_eur=duties_usd / usd_per_eur,
        duties_estimated=request.duties_estimate is None,
        carrying_rate_per_year=rate,
        daily_carrying_usd=declared_usd * rate / 365,
        preference=preference,
    )
