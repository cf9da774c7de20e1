"""Transport network snapshot: countries, hubs, lanes and the indexes the planner searches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import NetworkError
from .schedule import wait_days_by_weekday

T = TypeVar("T")

#: The planner's modes, one policy object each (see `modes.py`).
MODES: tuple[str, ...] = ("tir", "rail", "rail_road", "rail_sea_rail", "road", "sea")

#: What the return direction of a two-way lane costs, as a share of the outbound price, when the
#: data gives it no price of its own. Return trucks and China-bound containers fill less, so
#: carriers price them lower: Moscow→Tashkent trucks cost ~$2,760 in November 2025 (PEC: Silk Way,
#: via FreshPlaza) against ~$4,500 the other way by the seed's truck model (0.61); RZD and BCh cut
#: the tariff for empty 40 ft containers returning to China by up to 40% (CCTT, 2020); Europe→Asia
#: sea boxes run at a fraction of the headhaul rate (Xeneta 2024). 0.7 is the cautious middle.
#: Adapters pass the FULFILMENT_BACKHAUL_FACTOR setting; this is the default.
DEFAULT_BACKHAUL_FACTOR = Decimal("0.7")

#: Departure weekdays of a daily (or on-demand) service; Monday is 0.
EVERY_DAY: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

#: Lane mode names used by network.json and by people, mapped onto the planner's modes.
MODE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "tir_road": "tir",
        "rail_road_intermodal": "rail_road",
        "sea_container": "sea",
        "truck": "road",
        "road_ltl": "road",
    }
)


def normalise_mode(value: str) -> str:
    """Return the planner mode for a lane mode name such as `tir_road`; raise on unknown names."""
    mode = MODE_ALIASES.get(value, value)
    if mode not in MODES:
        raise NetworkError(f"unknown lane mode {value!r}", field="mode", code="unknown_mode")
    return mode


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """Exact Decimal from plain values; floats go through repr so 0.63 stays 0.63."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


class ColdChain(StrEnum):
    """Reefer availability on a lane: routine, only on scheduled/pilot services, or none."""

    YES = "yes"
    LIMITED = "limited"
    NO = "no"


class LaneStatus(StrEnum):
    """Operational status: `disrupted` lanes stay usable but carry their advisory into reasons."""

    OPEN = "open"
    DISRUPTED = "disrupted"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Country:
    """A country as the planner needs it: TIR party and EAEU membership."""

    iso2: str
    name: str
    is_tir_party: bool
    is_eaeu_member: bool = False


@dataclass(frozen=True, slots=True)
class Hub:
    """A place goods are handed over: origin hub, border port, dry port or overseas warehouse."""

    code: str
    name: str
    country: str
    lat: float
    lon: float
    timezone: str
    kind: str = "hub"


@dataclass(frozen=True, slots=True)
class SeasonalClosure:
    """A yearly closure between two month-days, inclusive; it may wrap over the new year."""

    start_month: int
    start_day: int
    end_month: int
    end_day: int
    note: str = ""

    def __post_init__(self) -> None:
        for month, day in ((self.start_month, self.start_day), (self.end_month, self.end_day)):
            # 2000 is a leap year, so 29 February is accepted as a boundary.
            try:
                date(2000, month, day)
            except ValueError as error:
                raise NetworkError(
                    f"invalid seasonal closure day {month:02d}-{day:02d}", field="seasonal_closures"
                ) from error

    @classmethod
    def parse(cls, start: str, end: str, note: str = "") -> SeasonalClosure:
        """Build from "MM-DD" strings."""
        start_month, start_day = (int(part) for part in start.split("-"))
        end_month, end_day = (int(part) for part in end.split("-"))
        return cls(start_month, start_day, end_month, end_day, note)

    def covers(self, day: date) -> bool:
        month_day = (day.month, day.day)
        start = (self.start_month, self.start_day)
        end = (self.end_month, self.end_day)
        if start <= end:
            return start <= month_day <= end
        return month_day >= start or month_day <= end

    def describe(self) -> str:
        return f"{self.start_day:02d}.{self.start_month:02d}–{self.end_day:02d}.{self.end_month:02d}"


@dataclass(frozen=True, slots=True)
class Lane:
    """A scheduled service between two hubs in one mode, with its times, prices and limits.

    Transit days are terminal to terminal including normal border time; `departure_weekdays`
    (0 = Monday, empty = daily) and `cutoff_local` are in the origin hub's time zone. Money is
    USD Decimal; physical quantities are floats.
    """

    origin: str
    destination: str
    mode: str
    distance_km: float
    transit_days_min: int
    transit_days_typical: int
    transit_days_p90: int
    departure_weekdays: tuple[int, ...]
    cutoff_local: time
    usd_per_kg: Decimal
    usd_per_unit: Decimal
    unit_capacity_kg: float
    unit_capacity_m3: float
    cold_chain: ColdChain = ColdChain.NO
    border_crossings: tuple[str, ...] = ()
    gauge_change: str | None = None
    customs_borders: int = 0
    eaeu_internal: bool = False
    tir_eligible: bool = False
    transit_countries: tuple[str, ...] = ()
    seasonal_closures: tuple[SeasonalClosure, ...] = ()
    effective_from: date | None = None
    effective_to: date | None = None
    status: LaneStatus = LaneStatus.OPEN
    advisory: str = ""
    #: The opposite direction runs too (`return_direction()` builds it); False when the data says one-way.
    two_way: bool = True
    #: This lane is the return direction of a two-way lane listed the other way round.
    is_return: bool = False
    #: Set when the prices are the outbound direction's × this backhaul factor (no price of its own).
    backhaul_factor: Decimal | None = None

    def __post_init__(self) -> None:
        # Coerce plain values so adapters can pass database rows or JSON without ceremony.
        object.__setattr__(self, "mode", normalise_mode(self.mode))
        object.__setattr__(self, "usd_per_kg", to_decimal(self.usd_per_kg))
        object.__setattr__(self, "usd_per_unit", to_decimal(self.usd_per_unit))
        object.__setattr__(self, "cold_chain", ColdChain(self.cold_chain))
        object.__setattr__(self, "status", LaneStatus(self.status))
        # An empty schedule means "every day", as trucks on demand are stored.
        object.__setattr__(self, "departure_weekdays", tuple(sorted(set(self.departure_weekdays))) or EVERY_DAY)
        object.__setattr__(self, "border_crossings", tuple(self.border_crossings))
        object.__setattr__(self, "transit_countries", tuple(self.transit_countries))
        object.__setattr__(self, "seasonal_closures", tuple(self.seasonal_closures))
        self._validate()

    def _validate(self) -> None:
        name = self.key
        if self.origin == self.destination:
            raise NetworkError(f"lane {name} starts and ends at the same hub", field="destination")
        if not 0 <= self.transit_days_min <= self.transit_days_typical <= self.transit_days_p90:
            raise NetworkError(
                f"lane {name}: transit days must satisfy 0 <= min <= typical <= p90",
                field="transit_days",
            )
        if not all(0 <= day <= 6 for day in self.departure_weekdays):
            raise NetworkError(
                f"lane {name}: departure weekdays must be in 0..6 (Monday = 0)",
                field="departure_weekdays",
            )
        if self.unit_capacity_kg <= 0 or self.unit_capacity_m3 <= 0:
            raise NetworkError(f"lane {name}: unit capacity must be positive", field="unit_capacity")
        if self.usd_per_kg < 0 or self.usd_per_unit < 0:
            raise NetworkError(f"lane {name}: prices cannot be negative", field="usd_per_unit")
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise NetworkError(f"lane {name}: effective_from is after effective_to", field="effective_to")

    @property
    def key(self) -> str:
        return f"{self.origin}-{self.destination}-{self.mode}"

    @property
    def departures_per_week(self) -> int:
        return len(self.departure_weekdays)

    @property
    def reverse_key(self) -> str:
        return f"{self.destination}-{self.origin}-{self.mode}"

    def return_direction(self, overrides: ReturnDirection | None = None, *, backhaul_factor: Decimal) -> Lane:
        """The return direction of this lane.

        What belongs to the road or track itself applies both ways: distance, units, border
        crossings and transit countries (in reverse order), gauge change, customs borders, TIR
        eligibility, seasonal closures and effective dates. What belongs to the service may differ
        per direction (`overrides`); without a value of its own the return direction keeps this
        direction's days, schedule and cold chain, and costs this direction's prices ×
        `backhaul_factor`.
        """
        given = overrides or ReturnDirection()
        priced_by_backhaul = given.usd_per_kg is None and given.usd_per_unit is None
        factor = to_decimal(backhaul_factor)
        if factor <= 0:
            raise NetworkError("the backhaul factor must be positive", field="backhaul_factor")

        def price(own: Decimal | None, outbound: Decimal) -> Decimal:
            return to_decimal(own) if own is not None else (outbound * factor).quantize(Decimal("0.0001"))

        return Lane(
            origin=self.destination,
            destination=self.origin,
            mode=self.mode,
            distance_km=self.distance_km,
            transit_days_min=_pick(given.transit_days_min, self.transit_days_min),
            transit_days_typical=_pick(given.transit_days_typical, self.transit_days_typical),
            transit_days_p90=_pick(given.transit_days_p90, self.transit_days_p90),
            departure_weekdays=_pick(given.departure_weekdays, self.departure_weekdays),
            cutoff_local=_pick(given.cutoff_local, self.cutoff_local),
            usd_per_kg=price(given.usd_per_kg, self.usd_per_kg),
            usd_per_unit=price(given.usd_per_unit, self.usd_per_unit),
            unit_capacity_kg=self.unit_capacity_kg,
            unit_capacity_m3=self.unit_capacity_m3,
            cold_chain=_pick(given.cold_chain, self.cold_chain),
            border_crossings=tuple(reversed(self.border_crossings)),
            gauge_change=self.gauge_change,
            customs_borders=self.customs_borders,
            eaeu_internal=self.eaeu_internal,
            tir_eligible=self.tir_eligible,
            transit_countries=tuple(reversed(self.transit_countries)),
            seasonal_closures=self.seasonal_closures,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            status=_pick(given.status, self.status),
            advisory=_pick(given.advisory, self.advisory),
            two_way=True,
            is_return=True,
            backhaul_factor=factor if priced_by_backhaul else None,
        )

    def closure_on(self, day: date) -> SeasonalClosure | None:
        for closure in self.seasonal_closures:
            if closure.covers(day):
                return closure
        return None

    def is_effective_on(self, day: date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


def _pick(own: T | None, inherited: T) -> T:
    return inherited if own is None else own


@dataclass(frozen=True, slots=True)
class ReturnDirection:
    """What the return direction of a two-way lane does differently; None keeps the outbound value.

    Only the service may differ per direction (days, schedule, prices, cold chain, status);
    the road or track and its borders are shared (see `Lane.return_direction`). Leaving both prices None
    prices the return direction with the backhaul factor.
    """

    transit_days_min: int | None = None
    transit_days_typical: int | None = None
    transit_days_p90: int | None = None
    departure_weekdays: tuple[int, ...] | None = None
    cutoff_local: time | None = None
    usd_per_kg: Decimal | None = None
    usd_per_unit: Decimal | None = None
    cold_chain: ColdChain | None = None
    status: LaneStatus | None = None
    advisory: str | None = None

    def __post_init__(self) -> None:
        if (self.usd_per_kg is None) != (self.usd_per_unit is None):
            raise NetworkError(
                "a return direction gives both prices (per kg and per unit) or neither", field="usd_per_unit"
            )


def with_return_directions(
    lanes: Iterable[Lane],
    *,
    returns: Mapping[str, ReturnDirection] | None = None,
    backhaul_factor: Decimal = DEFAULT_BACKHAUL_FACTOR,
) -> list[Lane]:
    """Every lane plus the return direction of each two-way one (keyed overrides from `returns`).

    A two-way lane whose reverse is also listed on its own is an error: the data would say two
    things about one direction. Give the reverse's numbers in `returns` (keyed by the outbound
    lane's `key`) instead, or mark the outbound lane one-way.
    """
    lane_list = list(lanes)
    keys = {lane.key for lane in lane_list}
    returns = returns or {}
    unknown = set(returns) - keys
    if unknown:
        raise NetworkError(f"return directions given for unknown lanes: {', '.join(sorted(unknown))}", field="return")
    expanded = list(lane_list)
    for lane in lane_list:
        if not lane.two_way or lane.is_return:
            if lane.key in returns:
                raise NetworkError(f"lane {lane.key} is one-way but has a return direction", field="return")
            continue
        if lane.reverse_key in keys:
            raise NetworkError(
                f"lane {lane.key} is two-way and {lane.reverse_key} is listed too: give the return "
                f"direction's numbers in the lane's `return`, or mark one of them one-way",
                field="two_way",
                code="duplicate_direction",
            )
        expanded.append(lane.return_direction(returns.get(lane.key), backhaul_factor=backhaul_factor))
    return expanded


class Network:
    """An immutable snapshot of the network with the indexes route search needs, built once.

    Use `Network.build(hubs, lanes, countries)`; lanes are addressed internally by their index
    in `lanes` so the planner's per-quote caches are plain lists, not dicts of dataclasses.
    """

    __slots__ = (
        "countries",
        "hubs",
        "hubs_by_country",
        "incoming",
        "lane_countries",
        "lane_is_tir_route",
        "lane_wait_days",
        "lanes",
        "largest_unit_kg",
        "largest_unit_m3",
        "outgoing",
        "zones",
    )

    countries: Mapping[str, Country]
    hubs: Mapping[str, Hub]
    lanes: tuple[Lane, ...]
    hubs_by_country: Mapping[str, tuple[str, ...]]
    outgoing: Mapping[str, tuple[int, ...]]
    incoming: Mapping[str, tuple[int, ...]]
    lane_countries: tuple[tuple[str, ...], ...]
    lane_is_tir_route: tuple[bool, ...]
    lane_wait_days: tuple[tuple[int, ...], ...]
    zones: Mapping[str, ZoneInfo]
    largest_unit_kg: float
    largest_unit_m3: float

    @classmethod
    def build(cls, hubs: Iterable[Hub], lanes: Iterable[Lane], countries: Iterable[Country]) -> Network:
        """Validate references between hubs, lanes and countries and precompute the indexes."""
        network = cls.__new__(cls)
        country_index = {country.iso2: country for country in countries}
        hub_index: dict[str, Hub] = {}
        zones: dict[str, ZoneInfo] = {}
        by_country: dict[str, list[str]] = {}
        for hub in hubs:
            if hub.code in hub_index:
                raise NetworkError(f"duplicate hub code {hub.code}", field="code", code="duplicate_hub")
            if hub.country not in country_index:
                raise NetworkError(f"hub {hub.code}: unknown country {hub.country}", field="country")
            try:
                zones[hub.code] = ZoneInfo(hub.timezone)
            except (ZoneInfoNotFoundError, ValueError) as error:
                raise NetworkError(f"hub {hub.code}: unknown time zone {hub.timezone!r}", field="timezone") from error
            hub_index[hub.code] = hub
            by_country.setdefault(hub.country, []).append(hub.code)

        lane_list = tuple(lanes)
        outgoing: dict[str, list[int]] = {code: [] for code in hub_index}
        incoming: dict[str, list[int]] = {code: [] for code in hub_index}
        lane_countries: list[tuple[str, ...]] = []
        for index, lane in enumerate(lane_list):
            for code in (lane.origin, lane.destination):
                if code not in hub_index:
                    raise NetworkError(f"lane {lane.key}: unknown hub {code}", field="hub", code="unknown_hub")
            outgoing[lane.origin].append(index)
            incoming[lane.destination].append(index)
            # Order matters for reasons ("CN → KG → UZ"); duplicates are dropped.
            route = (hub_index[lane.origin].country, *lane.transit_countries, hub_index[lane.destination].country)
            lane_countries.append(tuple(dict.fromkeys(route)))

        network.countries = MappingProxyType(country_index)
        network.hubs = MappingProxyType(hub_index)
        network.lanes = lane_list
        network.hubs_by_country = MappingProxyType({key: tuple(value) for key, value in by_country.items()})
        network.outgoing = MappingProxyType({key: tuple(value) for key, value in outgoing.items()})
        network.incoming = MappingProxyType({key: tuple(value) for key, value in incoming.items()})
        network.lane_countries = tuple(lane_countries)
        # A country missing from the table is treated as not operating TIR: the safe default.
        network.lane_is_tir_route = tuple(
            all(code in country_index and country_index[code].is_tir_party for code in route)
            for route in lane_countries
        )
        network.lane_wait_days = tuple(wait_days_by_weekday(lane.departure_weekdays) for lane in lane_list)
        network.zones = MappingProxyType(zones)
        network.largest_unit_kg = max((lane.unit_capacity_kg for lane in lane_list), default=0.0)
        network.largest_unit_m3 = max((lane.unit_capacity_m3 for lane in lane_list), default=0.0)
        return network

    def __repr__(self) -> str:
        return f"<Network {len(self.hubs)} hubs, {len(self.lanes)} lanes, {len(self.countries)} countries>"

    def hub(self, code: str) -> Hub:
        return self.hubs[code]

    def lanes_from(self, code: str) -> tuple[Lane, ...]:
        return tuple(self.lanes[index] for index in self.outgoing.get(code, ()))

    def non_tir_countries(self, lane_index: int) -> tuple[str, ...]:
        """Countries on a lane that do not operate TIR, in route order."""
        return tuple(
            code
            for code in self.lane_countries[lane_index]
            if code not in self.countries or not self.countries[code].is_tir_party
        )

    def country_name(self, iso2: str) -> str:
        country = self.countries.get(iso2)
        return country.name if country else iso2
