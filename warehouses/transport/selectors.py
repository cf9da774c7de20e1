"""Reads of the transport network and the adapter to the pure planner (``warehouses.fulfilment``).

- ``network_snapshot()`` builds the planner's immutable ``Network`` from Hub and Lane rows. It is
  cached per process and rebuilt when the rows change. Invalidation choice: a *database
  fingerprint* (hub and lane counts, highest ids and latest ``updated_at``; one query,
  well under a millisecond) rather than a version number in the cache. The fingerprint is right in
  every process even without a shared cache (a Celery worker, the test process after a rolled-back
  transaction), and a row saved through the admin, a service or ``bulk_create`` still shows up.
  (A queryset ``.update()`` that leaves ``updated_at`` alone is the one change it misses; the
  services never do that.)
- ``planner_settings()`` reads the FULFILMENT_* settings and gives the planner core's exchange rates
  (``core.selectors.exchange_rates_usd``: the stored table, cached per process), the only rates it
  has, so a checkout quote converts with one set of rates. No EUR rate → ``ExchangeRateMissing``.
- ``route_quote(...)`` is what orders call to price one parcel: it returns a ``RouteQuote`` or raises
  ``NoFeasibleRoute`` (422) / ``ValidationFailed`` (400). Its reasons (and ``quote_plan``'s) say when
  a rate it used is older than ``EXCHANGE_RATE_MAX_AGE_HOURS``.
- ``delivery_estimate_for(...)`` reads the precomputed catalog estimate.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.money import Money, money_round
from core.reference import COUNTRIES
from core.request_memo import request_memo, request_memo_forget
from core.selectors import ExchangeRates, exchange_rates_at, stale_rate_reasons
from core.services import ExchangeRateMissing
from warehouses.fulfilment import (
    DOMESTIC_TITLE,
    Country,
    Network,
    PlannerError,
    PlannerSettings,
    QuoteRequest,
    QuoteResult,
    SeasonalClosure,
    plan,
    profile_load,
    quote_domestic,
)
from warehouses.fulfilment import ColdChain as PlannerColdChain
from warehouses.fulfilment import Hub as PlannerHub
from warehouses.fulfilment import Lane as PlannerLane
from warehouses.fulfilment import LaneStatus as PlannerLaneStatus
from warehouses.fulfilment.seed import load_overlay, load_region_data
from warehouses.transport.exceptions import NoFeasibleRoute
from warehouses.transport.models import DeliveryEstimate, Hub, Lane, LaneStatus

# --- Network snapshot -------------------------------------------------------------------------


def planner_countries() -> list[Country]:
    """SCO members and partners from ``core.reference``, plus transit-only and port countries from the data."""
    countries = [Country(c.code, c.name, is_tir_party=c.tir, is_eaeu_member=c.eaeu) for c in COUNTRIES]
    known = {country.iso2 for country in countries}
    for row in (*load_overlay().get("extra_countries", ()), *load_region_data().get("extra_countries", ())):
        if row["iso2"] in known:
            continue
        tir = row.get("tir")
        is_party = tir if isinstance(tir, bool) else bool(tir) and not str(tir).lower().startswith("not")
        countries.append(Country(row["iso2"], row["name"], is_party, bool(row.get("eaeu_member", False))))
        known.add(row["iso2"])
    return countries


def backhaul_factor() -> Decimal:
    """What a return direction without a price of its own costs, as a share of its outbound price."""
    return Decimal(settings.FULFILMENT_BACKHAUL_FACTOR)


def planner_hub(hub: Hub) -> PlannerHub:
    return PlannerHub(
        code=hub.code,
        name=hub.name,
        country=hub.country,
        lat=float(hub.latitude),
        lon=float(hub.longitude),
        timezone=hub.timezone,
        kind=hub.kind,
    )


def planner_lane(lane: Lane, *, factor: Decimal | None = None) -> PlannerLane:
    """The planner's view of a lane row (``origin``, ``destination`` and ``reverse_of`` loaded).

    A return row without prices of its own is priced by the backhaul factor (``factor``, default
    the setting) from its outbound row.
    """
    factor = backhaul_factor() if factor is None else factor
    usd_per_kg, usd_per_unit = lane.prices_usd(factor)
    return PlannerLane(
        origin=lane.origin.code,
        destination=lane.destination.code,
        mode=lane.mode,
        distance_km=float(lane.distance_km),
        transit_days_min=lane.transit_days_min,
        transit_days_typical=lane.transit_days_typical,
        transit_days_p90=lane.transit_days_p90,
        departure_weekdays=tuple(lane.departure_weekdays or ()),
        cutoff_local=lane.cutoff_time,
        usd_per_kg=usd_per_kg,
        usd_per_unit=usd_per_unit,
        unit_capacity_kg=float(lane.unit_capacity_kg),
        unit_capacity_m3=float(lane.unit_capacity_m3),
        cold_chain=PlannerColdChain(lane.cold_chain),
        border_crossings=tuple(lane.border_crossings or ()),
        gauge_change=lane.gauge_change or None,
        customs_borders=lane.customs_borders,
        eaeu_internal=lane.eaeu_internal,
        tir_eligible=lane.tir_eligible,
        transit_countries=tuple(lane.transit_countries or ()),
        seasonal_closures=tuple(
            SeasonalClosure.parse(row["from"], row["to"], row.get("reason") or row.get("note") or "")
            for row in lane.seasonal_closures or ()
        ),
        effective_from=lane.effective_from,
        effective_to=lane.effective_to,
        status=PlannerLaneStatus(lane.status),
        advisory=lane.advisory,
        two_way=lane.two_way or lane.is_return,
        is_return=lane.is_return,
        backhaul_factor=factor if lane.is_priced_by_backhaul else None,
    )


def network_build_from_db() -> Network:
    """A fresh planner network from the rows: every hub, and every direction that is not closed.

    Lanes outside their effective dates stay in: the planner checks the dates against the actual
    departure day (a lane starting next month is right for goods shipped next month). A return row
    counts only while its outbound lane is two-way; a two-way lane whose return row was never
    written (a row made outside the loader and the admin) still runs both ways, through the
    planner's own ``return_direction``.
    """
    factor = backhaul_factor()
    hubs = [planner_hub(hub) for hub in Hub.objects.all()]
    rows = list(Lane.objects.select_related("origin", "destination", "reverse_of"))
    with_return_row = {row.reverse_of_id for row in rows if row.reverse_of_id is not None}
    lanes = []
    for row in rows:
        if row.reverse_of is not None and not row.reverse_of.two_way:
            continue  # the data made the lane one-way: its return row stays for history only
        if row.status == LaneStatus.CLOSED:
            continue
        lane = planner_lane(row, factor=factor)
        lanes.append(lane)
        if row.reverse_of_id is None and row.two_way and row.pk not in with_return_row:
            lanes.append(lane.return_direction(backhaul_factor=factor))
    return Network.build(hubs=hubs, lanes=lanes, countries=planner_countries())


_snapshot_lock = threading.Lock()
_snapshot: dict[str, Any] = {"fingerprint": None, "network": None}


NETWORK_FINGERPRINT_MEMO = "transport.network_fingerprint"


def _fingerprint() -> tuple[Any, ...]:
    """Counts, highest ids and latest changes of hubs and lanes, in one round trip (once per request)."""
    return request_memo(NETWORK_FINGERPRINT_MEMO, _fingerprint_read)


def network_fingerprint_forget() -> None:
    """A hub or lane was written in this process: the request's next quote checks the rows again."""
    request_memo_forget(NETWORK_FINGERPRINT_MEMO)


def _fingerprint_read() -> tuple[Any, ...]:
    parts = []
    for model in (Hub, Lane):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"SELECT COUNT(*), MAX(id), MAX(updated_at) FROM {table}")  # noqa: S608 - model table names
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(cursor.fetchall())


def network_snapshot() -> Network:
    """The planner network for the current rows, rebuilt only when a hub or lane changed."""
    fingerprint = _fingerprint()
    with _snapshot_lock:
        if _snapshot["fingerprint"] == fingerprint and _snapshot["network"] is not None:
            return _snapshot["network"]  # type: ignore[no-any-return]
    network = network_build_from_db()
    with _snapshot_lock:
        _snapshot["fingerprint"], _snapshot["network"] = fingerprint, network
    return network


# --- Settings ---------------------------------------------------------------------------------


def planner_settings(*, rates: ExchangeRates | None = None) -> PlannerSettings:
    """Planner settings from Django settings, with core's exchange rates (the planner has none of its own).

    ``rates``: the rates a caller already holds for this quote (default: those in force now).
    """
    usd_per_currency = (rates or exchange_rates_at()).usd_per_currency()
    if "EUR" not in usd_per_currency:
        # Every quote checks the TIR guarantee in EUR; without the rate no quote can be made.
        raise ExchangeRateMissing(_("No EUR exchange rate is stored; the planner needs one for the TIR guarantee."))
    return PlannerSettings(
        carrying_cost_rate_per_year=Decimal(settings.FULFILMENT_CARRYING_RATE_PER_YEAR),
        buffer_days=int(settings.FULFILMENT_BUFFER_DAYS),
        reefer_premium_chilled=Decimal(settings.FULFILMENT_REEFER_PREMIUM_CHILLED),
        reefer_premium_frozen=Decimal(settings.FULFILMENT_REEFER_PREMIUM_FROZEN),
        tir_guarantee_eur=Decimal(settings.FULFILMENT_TIR_GUARANTEE_EUR),
        domestic_base_usd=Decimal(settings.FULFILMENT_DOMESTIC_BASE_USD),
        domestic_usd_per_kg=Decimal(settings.FULFILMENT_DOMESTIC_USD_PER_KG),
        domestic_days=_days_pair(settings.FULFILMENT_DOMESTIC_DAYS),
        domestic_days_large=_days_pair(settings.FULFILMENT_DOMESTIC_DAYS_LARGE),
        domestic_large_countries=frozenset(code.upper() for code in settings.FULFILMENT_DOMESTIC_LARGE_COUNTRIES),
        usd_per_currency=usd_per_currency,
    )


def _days_pair(days: Iterable[int]) -> tuple[int, int]:
    low, high = (int(day) for day in days)
    return low, high


#: Currencies every planner quote converts: EUR for the TIR guarantee (USD is the planner's own).
PLANNER_CURRENCIES = ("EUR",)


def rate_age_reasons(rates: ExchangeRates, currencies: Iterable[str]) -> list[str]:
    """Reasons naming the rates a quote used that are older than EXCHANGE_RATE_MAX_AGE_HOURS."""
    return stale_rate_reasons(rates.freshness({*currencies, *PLANNER_CURRENCIES}).stale)


# --- Quotes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteQuote:
    """The chosen route for one parcel: mode, legs, days (min to p90 incl. waits), USD cost, why."""

    mode: str
    legs: list[dict[str, Any]]
    transit_days_min: int
    transit_days_max: int
    cost: Money
    reasons: list[str]
    border_crossings: list[str] = field(default_factory=list)


_ROUTE_QUOTE_FIELDS = {"origin": "origin_hub", "destination": "destination_country", "currency": "declared_value"}


#: Planner fields that are not API fields: the currency is part of the declared value.
_API_FIELDS = {"currency": "declared_value", "duties_estimate": "declared_value"}


def _validation_failed(error: PlannerError, field_names: dict[str, str]) -> ValidationFailed:
    field_name = field_names.get(error.field) or _API_FIELDS.get(error.field, error.field) or "non_field_errors"
    return ValidationFailed(error.message, code=error.code, errors={field_name: [error.message]})


def no_feasible_route(result: QuoteResult, *, destination_field: str = "destination") -> NoFeasibleRoute:
    """The 422 for a result without a choice: ``errors`` maps each option to the constraints it failed."""
    if not result.options:
        reason = "; ".join(result.reasons) or "no route"
        return NoFeasibleRoute(reason, errors={destination_field: [reason]})
    errors = {
        option.title: [f"{failure.code}: {failure.reason}" for failure in option.failures] for option in result.options
    }
    return NoFeasibleRoute(
        "; ".join(result.reasons) or NoFeasibleRoute.default_detail,
        errors=errors,
        extra={
            "failed_constraints": {option.title: list(option.failed_constraints) for option in result.options},
        },
    )


def quote_plan(request: QuoteRequest, *, field_names: dict[str, str] | None = None) -> QuoteResult:
    """Run the planner on the current network; a bad request becomes ``ValidationFailed`` (400).

    Rates older than EXCHANGE_RATE_MAX_AGE_HOURS that the quote used are named in its reasons.
    """
    rates = exchange_rates_at()
    try:
        result = plan(network_snapshot(), request, planner_settings(rates=rates))
    except PlannerError as error:
        raise _validation_failed(error, field_names or {}) from error
    stale = tuple(rate_age_reasons(rates, [request.currency.upper()]))
    if not stale:
        return result
    chosen = result.chosen
    if chosen is not None:
        chosen = dataclasses.replace(chosen, reasons=(*chosen.reasons, *stale))
    return dataclasses.replace(result, chosen=chosen, reasons=(*result.reasons, *stale))


def _domestic_quote(
    *, origin: PlannerHub, request: QuoteRequest, settings_: PlannerSettings, shelf_life_days: int | None
) -> RouteQuote:
    """The planner's domestic road policy as a ``RouteQuote``; longer than the shelf life → 422."""
    domestic = quote_domestic(origin, profile_load(request, settings_), settings_, shelf_life_days=shelf_life_days)
    if not domestic.is_feasible:
        raise NoFeasibleRoute(
            domestic.failures[0].reason,
            errors={DOMESTIC_TITLE: [f"shelf_life: up to {domestic.transit_days_max} days against {shelf_life_days}"]},
            extra={"failed_constraints": {DOMESTIC_TITLE: [failure.code for failure in domestic.failures]}},
        )
    return RouteQuote(
        mode="road",
        legs=[{"from": origin.code, "to": origin.country, "mode": "road", "transit_days": domestic.transit_days_max}],
        transit_days_min=domestic.transit_days_min,
        transit_days_max=domestic.transit_days_max,
        cost=money_round(Money(domestic.cost_usd, "USD")),
        reasons=list(domestic.reasons),
        border_crossings=[],
    )


def route_quote(
    *,
    origin_hub: str,
    destination_country: str,
    weight_kg: Decimal,
    volume_m3: Decimal,
    declared_value: Money,
    perishable: bool = False,
    temperature_min_c: Any = None,
    temperature_max_c: Any = None,
    shelf_life_days: int | None = None,
    preference: str = "cheapest",
    ship_date: date | datetime | None = None,
    rate_currencies: Iterable[str] = (),
    rates: ExchangeRates | None = None,
) -> RouteQuote:
    """Price one parcel (a single piece) from a hub to a country with the planner's chosen route.

    Raises ``NoFeasibleRoute`` (422; ``errors`` names each option's failed constraints) or
    ``ValidationFailed`` (400; ``errors`` keyed by this function's argument names). The reasons
    end with the age of any rate older than EXCHANGE_RATE_MAX_AGE_HOURS among those the planner
    used and ``rate_currencies`` (the caller's own conversions, e.g. the buyer's currency).
    ``rates``: the stored rates the caller already holds for this quote (default: those in force now).
    """
    rates = rates or exchange_rates_at()
    quote = route_quote_on(
        network_snapshot(),
        planner_settings(rates=rates),
        origin_hub=origin_hub,
        destination_country=destination_country,
        weight_kg=weight_kg,
        volume_m3=volume_m3,
        declared_value=declared_value,
        perishable=perishable,
        temperature_min_c=temperature_min_c,
        temperature_max_c=temperature_max_c,
        shelf_life_days=shelf_life_days,
        preference=preference,
        ship_date=ship_date,
    )
    stale = rate_age_reasons(rates, [declared_value.currency.code, *rate_currencies])
    if stale:
        quote = dataclasses.replace(quote, reasons=[*quote.reasons, *stale])
    return quote


def route_quote_on(
    network: Network,
    settings_: PlannerSettings,
    *,
    origin_hub: str,
    destination_country: str,
    weight_kg: Decimal,
    volume_m3: Decimal,
    declared_value: Money,
    perishable: bool = False,
    temperature_min_c: Any = None,
    temperature_max_c: Any = None,
    shelf_life_days: int | None = None,
    preference: str = "cheapest",
    ship_date: date | datetime | None = None,
) -> RouteQuote:
    """``route_quote`` on a given network and settings (for batch callers that reuse one snapshot)."""
    field_names = dict(_ROUTE_QUOTE_FIELDS)
    request = QuoteRequest(
        origin=str(origin_hub or "").strip().upper(),
        destination=str(destination_country or "").strip().upper(),
        weight_kg=weight_kg,
        volume_m3=volume_m3 or Decimal(0),
        declared_value=declared_value.amount,
        currency=declared_value.currency.code,
        perishable=bool(perishable),
        temperature_min_c=None if temperature_min_c is None else float(temperature_min_c),
        temperature_max_c=None if temperature_max_c is None else float(temperature_max_c),
        shelf_life_days=shelf_life_days,
        ship_date=ship_date,
        preference=preference,
        pieces=1,
    )
    origin = network.hubs.get(request.origin)
    if origin is not None and origin.country == request.destination:
        try:
            return _domestic_quote(origin=origin, request=request, settings_=settings_, shelf_life_days=shelf_life_days)
        except PlannerError as error:
            raise _validation_failed(error, field_names) from error
    try:
        result = plan(network, request, settings_)
    except PlannerError as error:
        raise _validation_failed(error, field_names) from error
    if result.chosen is None:
        raise no_feasible_route(result, destination_field="destination_country")
    option = result.chosen.option
    legs = [
        {"from": leg.origin, "to": leg.destination, "mode": leg.mode, "transit_days": leg.transit_days}
        for leg in option.legs
    ]
    quote = RouteQuote(
        mode=option.mode,
        legs=legs,
        transit_days_min=option.transit_days_min,
        transit_days_max=option.transit_days_max,
        cost=money_round(Money(option.cost, option.currency)),
        reasons=list(result.chosen.reasons),
        border_crossings=list(option.border_crossings),
    )
    arrival_hub = network.hubs.get(option.legs[-1].destination) if option.legs else None
    if arrival_hub is None or arrival_hub.country != request.destination:
        return quote
    return _with_last_mile(
        quote, arrival_hub=arrival_hub, request=request, settings_=settings_, shelf_life=shelf_life_days
    )


def _with_last_mile(
    quote: RouteQuote,
    *,
    arrival_hub: PlannerHub,
    request: QuoteRequest,
    settings_: PlannerSettings,
    shelf_life: int | None,
) -> RouteQuote:
    """A parcel is not delivered at the terminal: add the domestic leg from the arrival hub to the buyer.

    The line haul of a consolidated unit costs a parcel little; the courier leg at the far end
    costs the same as delivery from a warehouse in that country, so both are priced alike.
    """
    last_mile = _domestic_quote(origin=arrival_hub, request=request, settings_=settings_, shelf_life_days=None)
    days_max = quote.transit_days_max + last_mile.transit_days_max
    if shelf_life is not None and days_max > shelf_life:
        raise NoFeasibleRoute(
            f"{quote.mode} and the last mile take up to {days_max} days, longer than the {shelf_life}-day shelf life",
            errors={quote.mode: [f"shelf_life: up to {days_max} days with the last mile against {shelf_life}"]},
            extra={"failed_constraints": {quote.mode: ["shelf_life"]}},
        )
    return RouteQuote(
        mode=quote.mode,
        legs=[*quote.legs, *last_mile.legs],
        transit_days_min=quote.transit_days_min + last_mile.transit_days_min,
        transit_days_max=days_max,
        cost=quote.cost + last_mile.cost,
        reasons=[
            *quote.reasons,
            f"last mile from {arrival_hub.name} by domestic road: {last_mile.cost.amount} USD, "
            f"{last_mile.transit_days_min}–{last_mile.transit_days_max} days",
        ],
        border_crossings=quote.border_crossings,
    )


# --- Catalog estimates ------------------------------------------------------------------------


def delivery_estimate_for(*, origin_hub_code: str, destination_country: str) -> DeliveryEstimate | None:
    """The precomputed best delivery from a hub to a country, or None when none is known."""
    return (
        DeliveryEstimate.objects.select_related("origin_hub")
        .filter(origin_hub__code=origin_hub_code.upper(), destination_country=destination_country.upper())
        .first()
    )


def delivery_estimates_for(*, origin_hub_codes: Iterable[str], destination_country: str) -> dict[str, DeliveryEstimate]:
    """Estimates from many hubs to one country in one query (product lists), keyed by hub code."""
    codes = {code.upper() for code in origin_hub_codes}
    rows = DeliveryEstimate.objects.select_related("origin_hub").filter(
        origin_hub__code__in=codes, destination_country=destination_country.upper()
    )
    return {row.origin_hub.code: row for row in rows}


# --- Network reads ----------------------------------------------------------------------------


def hub_exists(code: str) -> bool:
    return Hub.objects.filter(code=code).exists()


def network_rows() -> tuple[list[Hub], list[Lane]]:
    """Every hub and lane (closed ones too, with their status and advisory), for maps."""
    return list(Hub.objects.all()), list(Lane.objects.select_related("origin", "destination", "reverse_of"))
