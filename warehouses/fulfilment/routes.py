"""Route search: every simple path of at most `max_legs` lanes from an origin hub to any destination hub."""

from __future__ import annotations

from collections.abc import Collection

from .network import Network


def legs_to_reach(network: Network, destinations: Collection[str], max_depth: int) -> dict[str, int]:
    """Fewest legs from each hub to any destination, for hubs within `max_depth` legs (reverse BFS)."""
    legs = dict.fromkeys(destinations, 0)
    frontier = list(destinations)
    lanes = network.lanes
    for depth in range(1, max_depth + 1):
        next_frontier = []
        for code in frontier:
            for index in network.incoming.get(code, ()):
                origin = lanes[index].origin
                if origin not in legs:
                    legs[origin] = depth
                    next_frontier.append(origin)
        if not next_frontier:
            break
        frontier = next_frontier
    return legs


def find_routes(network: Network, origin: str, destinations: Collection[str], max_legs: int) -> list[tuple[int, ...]]:
    """Lane-index paths from `origin` to the first destination hub they reach, without revisiting hubs.

    A reverse breadth-first search from the destinations first marks how many legs each hub is
    from the goal, so the depth-first walk never enters a hub it could not finish from in time:
    on a 5,000-lane network this is what keeps a quote in the low milliseconds.
    """
    if max_legs < 1:
        return []
    remaining_legs = legs_to_reach(network, destinations, max_legs - 1)
    lanes = network.lanes
    outgoing = network.outgoing
    routes: list[tuple[int, ...]] = []
    path: list[int] = []
    visited = {origin}

    def extend(hub: str, legs_left: int) -> None:
        for index in outgoing.get(hub, ()):
            next_hub = lanes[index].destination
            if next_hub in visited:
                continue
            if next_hub in destinations:
                routes.append((*path, index))
                continue
            needed = remaining_legs.get(next_hub)
            if needed is None or needed > legs_left - 1:
                continue
            visited.add(next_hub)
            path.append(index)
            extend(next_hub, legs_left - 1)
            path.pop()
            visited.discard(next_hub)

    extend(origin, max_legs)
    return routes
