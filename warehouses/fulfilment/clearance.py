"""Where a route clears customs: once into every customs territory it enters; the EAEU is one territory.

Goods cleared into the EAEU (at Almaty, say) move on to Moscow, Bishkek or Minsk without another
clearance; goods leaving it for Uzbekistan, Tajikistan or China clear again where they arrive.
A lane that only crosses a country on its way (TIR through Kazakhstan, a train through Kyrgyzstan)
carries the goods in transit: no clearance there. Each lane is cleared at its destination hub (the
customs office of destination), which is where the seed's lanes hand goods over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .network import Lane, Network

#: The territory code of the Eurasian Economic Union's single customs territory.
EAEU = "EAEU"


@dataclass(frozen=True, slots=True)
class Clearance:
    """Goods leave `from_territory` and clear into `into_territory` at `hub` (in `country`)."""

    hub: str
    hub_name: str
    country: str
    from_territory: str
    into_territory: str

    def as_dict(self) -> dict[str, str]:
        return {"at": self.hub, "country": self.country, "from": self.from_territory, "into": self.into_territory}


def territory_of(network: Network, iso2: str) -> str:
    """The customs territory of a country: "EAEU" for its members, the country's own code otherwise."""
    country = network.countries.get(iso2)
    return EAEU if country is not None and country.is_eaeu_member else iso2


def territory_name(network: Network, territory: str) -> str:
    return "the EAEU customs union" if territory == EAEU else network.country_name(territory)


def route_clearances(network: Network, lanes: Sequence[Lane]) -> tuple[Clearance, ...]:
    """Every point on the route where goods clear into a new customs territory, in route order."""
    if not lanes:
        return ()
    current = territory_of(network, network.hubs[lanes[0].origin].country)
    clearances = []
    for lane in lanes:
        arrival = network.hubs[lane.destination]
        target = territory_of(network, arrival.country)
        if target != current:
            clearances.append(Clearance(arrival.code, arrival.name, arrival.country, current, target))
            current = target
    return tuple(clearances)


def clearance_reasons(network: Network, lanes: Sequence[Lane]) -> tuple[str, ...]:
    """Where the goods clear customs, where they only pass in transit, and where no clearance is due."""
    reasons: list[str] = []
    clearances = {clearance.hub: clearance for clearance in route_clearances(network, lanes)}
    current = territory_of(network, network.hubs[lanes[0].origin].country) if lanes else ""
    cleared_at = network.hubs[lanes[0].origin].name if lanes else ""
    for lane in lanes:
        ends = {network.hubs[lane.origin].country, network.hubs[lane.destination].country}
        passed = [code for code in lane.transit_countries if code not in ends]
        if passed:
            how = "under TIR" if lane.mode == "tir" else "in transit"
            names = ", ".join(network.country_name(code) for code in passed)
            reasons.append(f"customs: {lane.origin}→{lane.destination} crosses {names} {how}, with no clearance there")
        clearance = clearances.get(lane.destination)
        if clearance is not None:
            arrival = network.hubs[lane.destination]
            leaving = territory_name(network, clearance.from_territory)
            entering = territory_name(network, clearance.into_territory)
            reasons.append(
                f"customs: the goods leave {leaving} and clear into {entering} at {arrival.name} "
                f"({network.country_name(arrival.country)})"
            )
            current, cleared_at = clearance.into_territory, arrival.name
        elif network.hubs[lane.origin].country != network.hubs[lane.destination].country:
            reasons.append(
                f"customs: {lane.origin}→{lane.destination} stays inside {territory_name(network, current)}: "
                f"no further clearance (already cleared at {cleared_at})"
            )
    return tuple(reasons)
