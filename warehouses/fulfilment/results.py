"""Planner outputs: options with legs, costs and reasons, the choice, and a JSON-ready rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clearance import Clearance


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed hard constraint: a stable `code` and a sentence a person can read."""

    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class PlannedLeg:
    """One leg of an option; days are terminal to terminal, `departs_on` on the typical timeline."""

    origin: str
    destination: str
    mode: str
    transit_days: int
    transit_days_min: int
    transit_days_p90: int
    departs_on: date
    freight_basis: str
    units: int
    border_crossings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """USD amounts quantized to cents; `total` is their exact sum."""

    freight: Decimal
    reefer_premium: Decimal
    carrying: Decimal
    delay_risk: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class Option:
    """A route priced and checked. `transit_days_max` is p90 plus every wait for a departure."""

    mode: str
    label: str
    title: str
    legs: tuple[PlannedLeg, ...]
    transit_days_min: int
    transit_days_typical: int
    transit_days_max: int
    wait_days: int
    cost: Decimal
    currency: str
    breakdown: CostBreakdown
    border_crossings: tuple[str, ...]
    customs_borders: int
    departures_per_week: int
    feasible: bool
    reasons: tuple[str, ...]
    failures: tuple[Failure, ...]
    #: Where the goods clear customs on this route (the EAEU counts as one territory).
    clearances: tuple[Clearance, ...] = ()

    @property
    def failed_constraints(self) -> tuple[str, ...]:
        """Codes of the failed constraints, each once, in the order they were found."""
        return tuple(dict.fromkeys(failure.code for failure in self.failures))

    @property
    def route(self) -> str:
        return "→".join((self.legs[0].origin, *(leg.destination for leg in self.legs)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "route": self.route,
            "legs": [
                {
                    "from": leg.origin,
                    "to": leg.destination,
                    "mode": leg.mode,
                    "transit_days": leg.transit_days,
                    "transit_days_min": leg.transit_days_min,
                    "transit_days_p90": leg.transit_days_p90,
                    "departs_on": leg.departs_on.isoformat(),
                    "freight_basis": leg.freight_basis,
                    "units": leg.units,
                }
                for leg in self.legs
            ],
            "transit_days_min": self.transit_days_min,
            "transit_days_max": self.transit_days_max,
            "cost": {"amount": str(self.cost), "currency": self.currency},
            "cost_breakdown": {
                "freight": str(self.breakdown.freight),
                "reefer_premium": str(self.breakdown.reefer_premium),
                "carrying": str(self.breakdown.carrying),
                "delay_risk": str(self.breakdown.delay_risk),
            },
            "border_crossings": list(self.border_crossings),
            "clearances": [clearance.as_dict() for clearance in self.clearances],
            "feasible": self.feasible,
            "reasons": list(self.reasons),
            "failed_constraints": list(self.failed_constraints),
            "failures": [{"code": failure.code, "reason": failure.reason} for failure in self.failures],
        }


@dataclass(frozen=True, slots=True)
class Choice:
    mode: str
    option: Option
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuoteResult:
    """Options (feasible first, best first), the choice or None, and a summary of why.

    When nothing is feasible `chosen` is None and every option names its failed constraints.
    """

    options: tuple[Option, ...]
    chosen: Choice | None
    reasons: tuple[str, ...]

    @property
    def is_feasible(self) -> bool:
        return self.chosen is not None

    def failures_by_option(self) -> dict[str, tuple[str, ...]]:
        return {option.title: option.failed_constraints for option in self.options if not option.feasible}

    def as_dict(self) -> dict[str, Any]:
        """The API.md "Fulfilment" shape, with money as strings so no float ever appears."""
        chosen = None
        if self.chosen is not None:
            chosen = {"mode": self.chosen.mode, "route": self.chosen.option.route, "reasons": list(self.chosen.reasons)}
        return {
            "options": [option.as_dict() for option in self.options],
            "chosen": chosen,
            "reasons": list(self.reasons),
        }
