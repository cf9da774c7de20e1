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
- Consolidation: `plan_lane_consolidation(network, lane, shipments, now)` or
  `plan_consolidation(shipments, DepartureSchedule(...), capacity_kg, capacity_m3, now)`,
  `pack_first_fit_decreasing(...)`, `estimated_arrival(departs_on, lane)`.
"""

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
from .network import MODES, ColdChain, Country, Hub, Lane, LaneStatus, Network, SeasonalClosure, normalise_mode
from .planner import plan
from .request import LoadProfile, PlannerSettings, Preference, QuoteRequest, profile_load
from .results import Choice, CostBreakdown, Failure, Option, PlannedLeg, QuoteResult
from .seed import load_seed_network, network_from_seed

__all__ = [
    "DOMESTIC_TITLE",
    "MODES",
    "Choice",
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
]
