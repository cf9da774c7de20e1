"""Pure-Python fulfilment planner: choose TIR truck, rail or intermodal per route, explain why, consolidate departures.

No Django here (the Django adapter in `warehouses/` builds the network from database rows):

    network = Network.build(hubs=[Hub(...)], lanes=[Lane(...)], countries=[Country(...)])
    network = load_seed_network()            # or network_from_seed(json.load(...)) for network.json
    settings = PlannerSettings(usd_per_currency={"USD": Decimal(1), "EUR": Decimal("1.087")})
    result = plan(network, QuoteRequest(origin="XIY", destination="TAS", weight_kg=18000,
                                        volume_m3=60, declared_value=Decimal("90000"),
                                        deadline_days=14, ship_date=date(2026, 3, 2)), settings)
    result.chosen.mode, result.chosen.reasons, result.options[0].cost, result.as_dict()

- `plan(network, request, settings) -> QuoteResult` searches routes of up to
  `settings.max_legs` lanes (direct, via gateways, last mile), one mode per leg; drops the
  infeasible (cold chain, deadline and shelf life against p90 + waits + buffer, TIR parties and
  the carnet guarantee, capacity, seasonal closures, effective dates, closed lanes); prices the
  rest in USD Decimal; shows the best route per mode; and chooses the cheapest (or fastest)
  feasible one, tie-breaking on fewer customs borders, then more departures a week.
  `QuoteResult.chosen` is None when nothing is feasible, and every option lists its failures.
  The planner has no exchange rates of its own: `PlannerSettings.usd_per_currency` (USD for one
  unit of each currency; EUR is always needed, for the TIR guarantee) comes from the caller.
- Domestic road delivery (goods already in the buyer's country, the last mile of a parcel):
  `quote_domestic(origin_hub, load, settings, shelf_life_days=None) -> DomesticQuote`, priced by
  `PlannerSettings.domestic_*`.
- Raises a `PlannerError` subclass (with `.field` and `.code`) for input the API should answer
  with a 400: `UnknownPlace`, `InvalidRequest`, `UnknownCurrency`, `LoadTooHeavy` (a piece
  bigger than any unit: pass `pieces=1` for a single parcel), `ColdChainUnavailable`.
- Lanes run both ways: `with_return_directions(lanes, returns={key: ReturnDirection(...)},
  backhaul_factor=...)` adds the return direction of every two-way lane (`network_from_seed` and the
  Django adapter call it); each option's `clearances` (and its "customs:" reasons) say where the
  goods clear customs, the EAEU counting as one territory.
- Consolidation: `plan_lane_consolidation(network, lane, shipments, now)` or
  `plan_consolidation(shipments, DepartureSchedule(...), capacity_kg, capacity_m3, now)`,
  `pack_first_fit_decreasing(...)`, `estimated_arrival(departs_on, lane)`.
"""

from .clearance import Clearance, route_clearances
from .consolidation import (
    ConsolidationPlan,
    DepartureLoad,
    DepartureSchedule,
    PackedUnit,
    PackingResult,
    WaitingShipment,
    estimated_arrival,
    pack_first_fit_decreasing,
    plan_consolidation,
    plan_lane_consolidation,
)
from .domestic import DOMESTIC_TITLE, DomesticQuote, domestic_days, quote_domestic
from .errors import (
    ColdChainUnavailable,
    ConsolidationError,
    FulfilmentError,
    InvalidRequest,
    LoadTooHeavy,
    NetworkError,
    PlannerError,
    UnknownCurrency,
    UnknownPlace,
)
from .network import (
    DEFAULT_BACKHAUL_FACTOR,
    MODES,
    ColdChain,
    Country,
    Hub,
    Lane,
    LaneStatus,
    Network,
    ReturnDirection,
    SeasonalClosure,
    normalise_mode,
    with_return_directions,
)
from .planner import plan
from .request import LoadProfile, PlannerSettings, Preference, QuoteRequest, profile_load
from .results import Choice, CostBreakdown, Failure, Option, PlannedLeg, QuoteResult
from .seed import load_seed_network, network_from_seed

__all__ = [
    "DEFAULT_BACKHAUL_FACTOR",
    "DOMESTIC_TITLE",
    "MODES",
    "Choice",
    "Clearance",
    "ColdChain",
    "ColdChainUnavailable",
    "ConsolidationError",
    "ConsolidationPlan",
    "CostBreakdown",
    "Country",
    "DepartureLoad",
    "DepartureSchedule",
    "DomesticQuote",
    "Failure",
    "FulfilmentError",
    "Hub",
    "InvalidRequest",
    "Lane",
    "LaneStatus",
    "LoadProfile",
    "LoadTooHeavy",
    "Network",
    "NetworkError",
    "Option",
    "PackedUnit",
    "PackingResult",
    "PlannedLeg",
    "PlannerError",
    "PlannerSettings",
    "Preference",
    "QuoteRequest",
    "QuoteResult",
    "ReturnDirection",
    "SeasonalClosure",
    "UnknownCurrency",
    "UnknownPlace",
    "WaitingShipment",
    "domestic_days",
    "estimated_arrival",
    "load_seed_network",
    "network_from_seed",
    "normalise_mode",
    "pack_first_fit_decreasing",
    "plan",
    "plan_consolidation",
    "plan_lane_consolidation",
    "profile_load",
    "quote_domestic",
    "route_clearances",
    "with_return_directions",
]
