"""The mode decision: search routes, drop the infeasible, price the rest, choose one and say why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .errors import ColdChainUnavailable, InvalidRequest, LoadTooHeavy, UnknownPlace
from .explain import choice_reasons, materialise_option, route_title, summary_reasons
from .modes import LegQuote, policy_for
from .network import ColdChain, Network
from .request import LoadProfile, PlannerSettings, Preference, QuoteRequest, profile_load
from .results import Choice, Failure, Option, QuoteResult
from .routes import find_routes
from .schedule import local_ready, misses_cutoff

CENT = Decimal("0.01")
# Enough to explain the obvious alternatives without burying the answer in a large network.
MAX_PASSED_OVER_REASONS = 3


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class Candidate:
    """One evaluated route, kept lightweight: reasons are only written for the options shown."""

    route: tuple[int, ...]
    mode: str
    failures: list[Failure]
    leg_quotes: list[LegQuote]
    departures_typical: list[int]
    days_min: int
    days_typical: int
    days_p90: int
    wait_days: int
    freight: Decimal
    reefer_premium: Decimal
    carrying: Decimal
    delay_risk: Decimal
    total: Decimal
    customs_borders: int
    departures_per_week: int
    rank: tuple[object, ...] = field(default=())


@dataclass(slots=True)
class QuoteContext:
    """Everything fixed for one quote, plus a per-lane cache of eligibility and price."""

    network: Network
    load: LoadProfile
    settings: PlannerSettings
    request: QuoteRequest
    ship_date: date
    ready_time: time | None
    lane_cache: dict[int, tuple[tuple[Failure, ...], LegQuote]] = field(default_factory=dict)

    def lane_verdict(self, index: int) -> tuple[tuple[Failure, ...], LegQuote]:
        cached = self.lane_cache.get(index)
        if cached is None:
            lane = self.network.lanes[index]
            policy = policy_for(lane.mode)
            cached = (
                policy.is_eligible(lane, index, self.load, self.network, self.settings),
                policy.quote(lane, self.load, self.settings),
            )
            self.lane_cache[index] = cached
        return cached

    def title(self, route: tuple[int, ...], trunk_mode: str) -> str:
        return route_title([self.network.lanes[index] for index in route], trunk_mode)

    def departure_failure(self, index: int, offset: int) -> Failure | None:
        lane = self.network.lanes[index]
        departs_on = self.ship_date + timedelta(days=offset)
        name = policy_for(lane.mode).describe(lane)
        closure = lane.closure_on(departs_on)
        if closure is not None:
            note = f" ({closure.note.rstrip('.')})" if closure.note else ""
            return Failure(
                "seasonal_closure",
                f"{name} is closed {closure.describe()}{note}, which covers the departure on {departs_on}",
            )
        if not lane.is_effective_on(departs_on):
            return Failure("lane_not_effective", f"{name} is not in service on the departure date {departs_on}")
        return None

    def evaluate(self, route: tuple[int, ...]) -> Candidate:
        network, settings, load = self.network, self.settings, self.load
        lanes, wait_tables = network.lanes, network.lane_wait_days
        weekday = self.ship_date.weekday()
        connection = settings.connection_days
        failures: list[Failure] = []
        leg_quotes: list[LegQuote] = []
        departures_typical: list[int] = []
        freight = premium = Decimal(0)
        borders = 0
        frequency = 7
        transit_p90 = 0
        trunk_mode, trunk_distance = "", -1.0
        # Three timelines (min, typical, p90), each waiting for the next departure of every leg.
        ready_min = ready_typical = ready_p90 = 1 if misses_cutoff(self.ready_time, lanes[route[0]].cutoff_local) else 0
        for index in route:
            lane = lanes[index]
            waits = wait_tables[index]
            depart_min = ready_min + waits[(weekday + ready_min) % 7]
            depart_typical = ready_typical + waits[(weekday + ready_typical) % 7]
            depart_p90 = ready_p90 + waits[(weekday + ready_p90) % 7]
            lane_failures, leg_quote = self.lane_verdict(index)
            failures.extend(lane_failures)
            if lane.seasonal_closures or lane.effective_from or lane.effective_to:
                # The goods leave somewhere between the earliest and the p90 timeline: all must be open.
                for offset in sorted({depart_min, depart_typical, depart_p90}):
                    date_failure = self.departure_failure(index, offset)
                    if date_failure is not None:
                        failures.append(date_failure)
                        break
            leg_quotes.append(leg_quote)
            departures_typical.append(depart_typical)
            freight += leg_quote.freight_usd
            premium += leg_quote.reefer_premium_usd
            borders += lane.customs_borders
            frequency = min(frequency, lane.departures_per_week)
            transit_p90 += lane.transit_days_p90
            if lane.distance_km > trunk_distance:
                trunk_mode, trunk_distance = lane.mode, lane.distance_km
            ready_min = depart_min + lane.transit_days_min + connection
            ready_typical = depart_typical + lane.transit_days_typical + connection
            ready_p90 = depart_p90 + lane.transit_days_p90 + connection
        days_min, days_typical, days_p90 = ready_min - connection, ready_typical - connection, ready_p90 - connection
        transfer_days = connection * (len(route) - 1)
        wait_days = days_p90 - transit_p90 - transfer_days

        request = self.request
        promised = days_p90 + settings.buffer_days
        if request.deadline_days is not None and promised > request.deadline_days:
            failures.append(
                Failure(
                    "deadline",
                    f"{self.title(route, trunk_mode)} misses the {request.deadline_days}-day deadline at p90 "
                    f"({_days_text(days_p90, wait_days, transfer_days, settings.buffer_days)})",
                )
            )
        if request.shelf_life_days is not None and promised > request.shelf_life_days:
            failures.append(
                Failure(
                    "shelf_life",
                    f"{self.title(route, trunk_mode)} outlasts the {request.shelf_life_days}-day shelf life "
                    f"at p90 ({_days_text(days_p90, wait_days, transfer_days, settings.buffer_days)})",
                )
            )

        carrying = to_cents(load.daily_carrying_usd * days_typical)
        delay_risk = to_cents(load.daily_carrying_usd * settings.risk_share_of_p90_tail * (days_p90 - days_typical))
        freight, premium = to_cents(freight), to_cents(premium)
        return Candidate(
            route=route,
            mode=trunk_mode,
            failures=failures,
            leg_quotes=leg_quotes,
            departures_typical=departures_typical,
            days_min=days_min,
            days_typical=days_typical,
            days_p90=days_p90,
            wait_days=wait_days,
            freight=freight,
            reefer_premium=premium,
            carrying=carrying,
            delay_risk=delay_risk,
            total=freight + premium + carrying + delay_risk,
            customs_borders=borders,
            departures_per_week=frequency,
        )


def _days_text(days_p90: int, wait_days: int, transfer_days: int, buffer_days: int) -> str:
    included = []
    if wait_days:
        included.append(f"{wait_days} day{'s' if wait_days != 1 else ''} waiting for departures")
    if transfer_days:
        included.append(f"{transfer_days} transfer day{'s' if transfer_days != 1 else ''}")
    text = f"{days_p90} days" + (f" incl. {' and '.join(included)}" if included else "")
    if buffer_days:
        text += f", plus a {buffer_days}-day buffer"
    return text


def rank_key(candidate: Candidate, preference: Preference) -> tuple[object, ...]:
    """Cheapest (or fastest at p90), then fewer customs borders, then more departures a week."""
    tie_break = (candidate.customs_borders, -candidate.departures_per_week, candidate.route)
    if preference is Preference.FASTEST:
        return (candidate.days_p90, candidate.total, *tie_break)
    return (candidate.total, candidate.days_p90, *tie_break)


def _resolve_origin(network: Network, origin: str) -> str:
    code = origin.strip().upper()
    if code not in network.hubs:
        raise UnknownPlace(f"unknown origin hub {origin!r}", field="origin", code="unknown_hub")
    return code


def _resolve_destinations(network: Network, destination: str, origin: str) -> frozenset[str]:
    code = destination.strip().upper()
    if code in network.hubs:
        hubs = frozenset((code,))
    elif code in network.countries or code in network.hubs_by_country:
        hubs = frozenset(network.hubs_by_country.get(code, ())) - {origin}
        if not hubs:
            raise UnknownPlace(
                f"no hub serves {network.country_name(code)}", field="destination", code="no_hub_in_country"
            )
    else:
        raise UnknownPlace(
            f"unknown destination {destination!r}: give a hub code or a country's ISO 3166 alpha-2 code",
            field="destination",
            code="unknown_place",
        )
    if hubs == {origin}:
        raise InvalidRequest("origin and destination are the same hub", field="destination", code="same_place")
    return hubs


def _check_piece_fits_network(network: Network, load: LoadProfile, settings: PlannerSettings) -> None:
    if load.pieces is None:
        return
    limit_kg, limit_m3 = network.largest_unit_kg, network.largest_unit_m3
    if load.needs_cold_chain:
        limit_kg = min(limit_kg, max(settings.reefer_container_kg, settings.reefer_trailer_kg))
        limit_m3 = min(limit_m3, max(settings.reefer_container_m3, settings.reefer_trailer_m3))
    if load.piece_kg > limit_kg or load.piece_m3 > limit_m3:
        raise LoadTooHeavy(
            f"a single piece of {load.piece_kg:,.0f} kg / {load.piece_m3:,.1f} m³ exceeds the largest unit on the "
            f"network ({limit_kg:,.0f} kg / {limit_m3:,.1f} m³); split it into more pieces",
            field="weight_kg" if load.piece_kg > limit_kg else "volume_m3",
        )


def _best_per_mode(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The best feasible route of each mode, or its least-bad route when that mode has none."""
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        current = best.get(candidate.mode)
        if current is None or _shown_before(candidate, current):
            best[candidate.mode] = candidate
    return sorted(best.values(), key=lambda item: (bool(item.failures), len(item.failures), item.rank))


def _shown_before(candidate: Candidate, other: Candidate) -> bool:
    return (len(candidate.failures), candidate.rank) < (len(other.failures), other.rank)


def _passed_over(context: QuoteContext, candidates: Sequence[Candidate], shown: Sequence[Candidate]) -> list[str]:
    """Why better-ranked routes that are not shown (a mode shows only its best) were rejected."""
    shown_ids = {id(candidate) for candidate in shown}
    better = sorted(
        (
            candidate
            for candidate in candidates
            if candidate.failures and id(candidate) not in shown_ids and candidate.rank < shown[0].rank
        ),
        key=lambda candidate: candidate.rank,
    )
    return [
        f"passed over {context.title(candidate.route, candidate.mode)}: "
        + "; ".join(failure.reason for failure in candidate.failures)
        for candidate in better[:MAX_PASSED_OVER_REASONS]
    ]


def plan(network: Network, request: QuoteRequest, settings: PlannerSettings) -> QuoteResult:
    """Quote every route from origin to destination and choose one; see the package docstring.

    ``settings`` is required: it carries the exchange rates, which the planner has none of its own.
    """
    load = profile_load(request, settings)
    origin = _resolve_origin(network, request.origin)
    destinations = _resolve_destinations(network, request.destination, origin)
    _check_piece_fits_network(network, load, settings)

    routes = find_routes(network, origin, destinations, settings.max_legs)
    if not routes:
        return QuoteResult(
            options=(),
            chosen=None,
            reasons=(f"no route from {origin} to {request.destination} within {settings.max_legs} legs",),
        )
    lanes = network.lanes
    if load.needs_cold_chain and not any(
        all(lanes[index].cold_chain is not ColdChain.NO for index in route) for route in routes
    ):
        raise ColdChainUnavailable(
            f"cold chain is required but no route from {origin} to {request.destination} has reefer "
            "equipment on every leg",
            field="perishable",
        )

    ship_date, ready_time = local_ready(request.ship_date, network.zones[origin])
    context = QuoteContext(network, load, settings, request, ship_date, ready_time)
    candidates = [context.evaluate(route) for route in routes]
    for candidate in candidates:
        candidate.rank = rank_key(candidate, load.preference)

    shown = _best_per_mode(candidates)
    options: tuple[Option, ...] = tuple(materialise_option(context, candidate) for candidate in shown)
    chosen: Choice | None = None
    if not shown[0].failures:
        best = options[0]
        passed_over = _passed_over(context, candidates, shown)
        chosen = Choice(
            mode=best.mode, option=best, reasons=choice_reasons(best, options, load.preference, passed_over)
        )
    return QuoteResult(options=options, chosen=chosen, reasons=summary_reasons(chosen, options))
