"""One small policy object per mode (TIR, rail, rail-road, rail-sea-rail, road, sea): eligibility and leg price."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from .network import ColdChain, Lane, LaneStatus, Network
from .request import LoadProfile, PlannerSettings
from .results import Failure

# Loads are measured, not counted: a tolerance of a millionth of a unit stops 60.000000001
# trucks (float noise from 0.1 + 0.2 style sums) from becoming 61.
_UNIT_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class LegQuote:
    """Freight for one leg: the cheaper of groupage and whole units, and the reefer premium on it."""

    freight_usd: Decimal
    reefer_premium_usd: Decimal
    basis: str
    units: int


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


class ModePolicy:
    """Rules shared by every mode; subclasses add their own eligibility rules."""

    mode: str = ""
    label: str = ""
    unit_name: str = ""
    uses_containers: bool = True

    def describe(self, lane: Lane) -> str:
        return f"{self.label} {lane.origin}→{lane.destination}"

    def unit_capacity(self, lane: Lane, load: LoadProfile, settings: PlannerSettings) -> tuple[float, float]:
        """Payload (kg, m³) of one unit, smaller when the load rides in a reefer unit."""
        if not load.needs_cold_chain:
            return lane.unit_capacity_kg, lane.unit_capacity_m3
        if self.uses_containers:
            reefer_kg, reefer_m3 = settings.reefer_container_kg, settings.reefer_container_m3
        else:
            reefer_kg, reefer_m3 = settings.reefer_trailer_kg, settings.reefer_trailer_m3
        return min(lane.unit_capacity_kg, reefer_kg), min(lane.unit_capacity_m3, reefer_m3)

    def units_needed(self, lane: Lane, load: LoadProfile, settings: PlannerSettings) -> int:
        capacity_kg, capacity_m3 = self.unit_capacity(lane, load, settings)
        if load.pieces is None:
            share = max(load.weight_kg / capacity_kg, load.volume_m3 / capacity_m3)
            return max(1, math.ceil(share - _UNIT_TOLERANCE))
        by_weight = math.floor(capacity_kg / load.piece_kg + _UNIT_TOLERANCE)
        by_volume = math.floor(capacity_m3 / load.piece_m3 + _UNIT_TOLERANCE) if load.piece_m3 else load.pieces
        pieces_per_unit = max(1, min(by_weight, by_volume))
        return math.ceil(load.pieces / pieces_per_unit)

    def is_eligible(
        self, lane: Lane, lane_index: int, load: LoadProfile, network: Network, settings: PlannerSettings
    ) -> tuple[Failure, ...]:
        """Hard constraints that depend on the lane and the load only (not on dates or the route)."""
        failures: list[Failure] = []
        name = self.describe(lane)
        if lane.status is LaneStatus.CLOSED:
            detail = f": {lane.advisory}" if lane.advisory else ""
            failures.append(Failure("lane_closed", f"{name} is closed{detail}"))
        if load.needs_cold_chain:
            if lane.cold_chain is ColdChain.NO:
                failures.append(Failure("cold_chain", f"{name} has no reefer equipment"))
            elif lane.cold_chain is ColdChain.LIMITED and not settings.limited_cold_chain_allows_full_units:
                failures.append(Failure("cold_chain", f"{name} has reefer units only on scheduled or pilot services"))
        if load.pieces is not None:
            capacity_kg, capacity_m3 = self.unit_capacity(lane, load, settings)
            if load.piece_kg > capacity_kg or load.piece_m3 > capacity_m3:
                failures.append(
                    Failure(
                        "capacity",
                        f"{name}: a piece of {load.piece_kg:,.0f} kg / {load.piece_m3:,.1f} m³ does not fit one "
                        f"{self.unit_name} ({capacity_kg:,.0f} kg / {capacity_m3:,.1f} m³)",
                    )
                )
        return tuple(failures)

    def quote(self, lane: Lane, load: LoadProfile, settings: PlannerSettings) -> LegQuote:
        """Freight = min(whole units × unit price, chargeable weight × groupage rate) × reefer premium."""
        units = self.units_needed(lane, load, settings)
        full_units = lane.usd_per_unit * units
        groupage = load.chargeable_kg * lane.usd_per_kg
        # Reefer space on a `limited` lane exists only as whole units booked on a scheduled train.
        groupage_allowed = not (load.needs_cold_chain and lane.cold_chain is ColdChain.LIMITED)
        if groupage_allowed and groupage < full_units:
            freight, basis = groupage, "groupage"
        else:
            freight, basis = full_units, "full_units"
        premium = freight * (load.reefer_premium - 1)
        return LegQuote(freight_usd=freight, reefer_premium_usd=premium, basis=basis, units=units)

    def describe_quote(self, lane: Lane, load: LoadProfile, leg_quote: LegQuote) -> str:
        backhaul = ""
        if lane.backhaul_factor is not None:
            # The reader should know the price is derived, not quoted for this direction.
            backhaul = (
                f" (return direction: {lane.destination}→{lane.origin}'s rate × the {lane.backhaul_factor} "
                "backhaul factor)"
            )
        if leg_quote.basis == "groupage":
            return (
                f"{self.describe(lane)}: groupage {load.chargeable_kg:,.0f} kg chargeable at ${lane.usd_per_kg}/kg"
                f"{backhaul}"
            )
        plural = "s" if leg_quote.units != 1 else ""
        reefer = "reefer " if load.needs_cold_chain else ""
        return (
            f"{self.describe(lane)}: {leg_quote.units} full {reefer}{self.unit_name}{plural} "
            f"at {_money(lane.usd_per_unit)} each{backhaul}"
        )


class TirPolicy(ModePolicy):
    """TIR truck: a customs-sealed trailer under one carnet, so every country must operate TIR."""

    mode = "tir"
    label = "TIR"
    unit_name = "trailer"
    uses_containers = False

    def is_eligible(
        self, lane: Lane, lane_index: int, load: LoadProfile, network: Network, settings: PlannerSettings
    ) -> tuple[Failure, ...]:
        failures = list(super().is_eligible(lane, lane_index, load, network, settings))
        name = self.describe(lane)
        if not lane.tir_eligible:
            failures.append(Failure("tir_not_eligible", f"{name} is not a TIR-approved service"))
        if not network.lane_is_tir_route[lane_index]:
            outsiders = ", ".join(network.country_name(code) for code in network.non_tir_countries(lane_index))
            failures.append(Failure("tir_country", f"{name} crosses {outsiders}, which does not operate TIR"))
        if load.duties_eur > settings.tir_guarantee_eur:
            how = " (estimated from the declared value)" if load.duties_estimated else ""
            failures.append(
                Failure(
                    "tir_guarantee",
                    f"{name}: duties and taxes of €{load.duties_eur:,.0f}{how} exceed the "
                    f"€{settings.tir_guarantee_eur:,.0f} TIR carnet guarantee",
                )
            )
        return tuple(failures)


class RoadPolicy(ModePolicy):
    """Truck without a carnet: domestic, EAEU-internal or short border hops cleared at the border."""

    mode = "road"
    label = "truck"
    unit_name = "trailer"
    uses_containers = False


class RailPolicy(ModePolicy):
    """Block train in 40 ft containers under an SMGS note; waits for its scheduled departure."""

    mode = "rail"
    label = "rail"
    unit_name = "container"


class RailRoadPolicy(ModePolicy):
    """Container by rail, then trucked across a border (e.g. Kashgar-Irkeshtam) to avoid a gauge change."""

    mode = "rail_road"
    label = "rail-road"
    unit_name = "container"


class RailSeaRailPolicy(ModePolicy):
    """Container by rail, Caspian ferry, rail again (e.g. Khorgos-Aktau-Alyat)."""

    mode = "rail_sea_rail"
    label = "rail-sea-rail"
    unit_name = "container"


class SeaPolicy(ModePolicy):
    """Container ship between ports (e.g. Kazakh grain Lianyungang→Ho Chi Minh City): sailings on a schedule."""

    mode = "sea"
    label = "sea"
    unit_name = "container"


POLICIES: Mapping[str, ModePolicy] = MappingProxyType(
    {
        policy.mode: policy
        for policy in (TirPolicy(), RailPolicy(), RailRoadPolicy(), RailSeaRailPolicy(), RoadPolicy(), SeaPolicy())
    }
)


def policy_for(mode: str) -> ModePolicy:
    return POLICIES[mode]
