"""Domestic road delivery: goods already in the buyer's country, and the last mile of a cross-border parcel.

The network's lanes are trunk lanes between hubs, not courier rounds, so a parcel that starts or
ends in the buyer's country is priced by this one policy: base + rate × chargeable kg (whole kg,
the larger of weight and volumetric weight), × the reefer premium when it needs cold chain; days
(min, max) depend on the size of the country. The parameters are ``PlannerSettings.domestic_*``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .network import Hub
from .request import LoadProfile, PlannerSettings
from .results import Failure

#: How the option is named in failures ("domestic road": ["shelf_life"]).
DOMESTIC_TITLE = "domestic road"


@dataclass(frozen=True, slots=True)
class DomesticQuote:
    """Road delivery inside ``country`` from ``origin``: days, USD cost (unrounded) and why.

    ``failures`` is empty when the delivery is feasible; otherwise it names what it fails
    (today only the shelf life of perishable goods).
    """

    origin: str
    country: str
    transit_days_min: int
    transit_days_max: int
    cost_usd: Decimal
    reasons: tuple[str, ...]
    failures: tuple[Failure, ...] = ()

    @property
    def is_feasible(self) -> bool:
        return not self.failures


def domestic_days(country: str, settings: PlannerSettings) -> tuple[int, int]:
    """Courier days (min, max) inside a country: longer in the large ones."""
    days = settings.domestic_days_large if country in settings.domestic_large_countries else settings.domestic_days
    return int(days[0]), int(days[1])


def quote_domestic(
    origin: Hub, load: LoadProfile, settings: PlannerSettings, *, shelf_life_days: int | None = None
) -> DomesticQuote:
    """Price road delivery from ``origin`` to a buyer in the same country."""
    days_min, days_max = domestic_days(origin.country, settings)
    chargeable = load.chargeable_kg.to_integral_value(rounding=ROUND_CEILING)
    cost = (settings.domestic_base_usd + settings.domestic_usd_per_kg * chargeable) * load.reefer_premium
    reasons = [
        f"the goods are already in {origin.country}: domestic road delivery from {origin.name}, "
        f"{days_min}–{days_max} days, no border to cross",
    ]
    if load.needs_cold_chain:
        reasons.append(f"refrigerated van (reefer premium ×{load.reefer_premium})")
    failures: tuple[Failure, ...] = ()
    if shelf_life_days is not None and days_max > shelf_life_days:
        failures = (
            Failure(
                "shelf_life",
                f"domestic road delivery takes up to {days_max} days, longer than the {shelf_life_days}-day shelf life",
            ),
        )
    return DomesticQuote(
        origin=origin.code,
        country=origin.country,
        transit_days_min=days_min,
        transit_days_max=days_max,
        cost_usd=cost,
        reasons=tuple(reasons),
        failures=failures,
    )
