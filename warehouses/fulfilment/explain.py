"""Turn evaluated routes into options with reasons a person can read, and explain the choice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .clearance import clearance_reasons, route_clearances
from .modes import policy_for
from .network import Lane
from .request import Preference
from .results import Choice, CostBreakdown, Option, PlannedLeg

if TYPE_CHECKING:
    from .planner import Candidate, QuoteContext


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def route_title(lanes: Sequence[Lane], trunk_mode: str) -> str:
    """ "rail-road XIY→TAS", or "rail TAO→ALA→TAS (rail + TIR)" when legs change mode."""
    route = "→".join((lanes[0].origin, *(lane.destination for lane in lanes)))
    title = f"{policy_for(trunk_mode).label} {route}"
    leg_labels = [policy_for(lane.mode).label for lane in lanes]
    if len(set(leg_labels)) > 1:
        title += f" ({' + '.join(leg_labels)})"
    return title


def materialise_option(context: QuoteContext, candidate: Candidate) -> Option:
    """Build the public Option for a candidate route, with its legs, cost breakdown and reasons."""
    network, load = context.network, context.load
    lanes = [network.lanes[index] for index in candidate.route]
    policy = policy_for(candidate.mode)
    legs = tuple(
        PlannedLeg(
            origin=lane.origin,
            destination=lane.destination,
            mode=lane.mode,
            transit_days=lane.transit_days_typical,
            transit_days_min=lane.transit_days_min,
            transit_days_p90=lane.transit_days_p90,
            departs_on=context.ship_date + timedelta(days=departure),
            freight_basis=leg_quote.basis,
            units=leg_quote.units,
            border_crossings=lane.border_crossings,
        )
        for lane, leg_quote, departure in zip(lanes, candidate.leg_quotes, candidate.departures_typical, strict=True)
    )
    title = route_title(lanes, candidate.mode)

    reasons = [failure.reason for failure in candidate.failures]
    waiting = f", incl. {_plural(candidate.wait_days, 'day')} waiting for departures" if candidate.wait_days else ""
    reasons.append(
        f"{title}: {candidate.days_min}–{candidate.days_p90} days "
        f"(typical {candidate.days_typical}, p90 {candidate.days_p90}{waiting})"
    )
    for lane, leg_quote in zip(lanes, candidate.leg_quotes, strict=True):
        reasons.append(policy_for(lane.mode).describe_quote(lane, load, leg_quote))
        if lane.gauge_change and lane.mode != "tir":
            reasons.append(
                f"{policy_for(lane.mode).describe(lane)} is reloaded at a gauge change ({lane.gauge_change})"
            )
    if load.needs_cold_chain:
        kind = "frozen" if load.is_frozen else "chilled"
        reasons.append(f"reefer premium ×{load.reefer_premium} for {kind} goods")
    tail = candidate.days_p90 - candidate.days_typical
    premium = f" + reefer premium {money(candidate.reefer_premium)}" if load.needs_cold_chain else ""
    reasons.append(
        f"total {money(candidate.total)} = freight {money(candidate.freight)}{premium}"
        f" + carrying cost {money(candidate.carrying)} ({_plural(candidate.days_typical, 'day')} of "
        f"{money(load.declared_value_usd)} at {_percent(load.carrying_rate_per_year)}/year)"
        f" + delay risk {money(candidate.delay_risk)} ({_percent(context.settings.risk_share_of_p90_tail)} of the "
        f"{tail}-day p90 tail)"
    )
    for lane in lanes:
        if lane.advisory:
            reasons.append(f"advisory for {policy_for(lane.mode).describe(lane)}: {lane.advisory}")
    reasons.extend(clearance_reasons(network, lanes))

    crossings = tuple(crossing for lane in lanes for crossing in lane.border_crossings)
    return Option(
        mode=candidate.mode,
        label=policy.label,
        title=title,
        legs=legs,
        transit_days_min=candidate.days_min,
        transit_days_typical=candidate.days_typical,
        transit_days_max=candidate.days_p90,
        wait_days=candidate.wait_days,
        cost=candidate.total,
        currency="USD",
        breakdown=CostBreakdown(
            freight=candidate.freight,
            reefer_premium=candidate.reefer_premium,
            carrying=candidate.carrying,
            delay_risk=candidate.delay_risk,
            total=candidate.total,
        ),
        border_crossings=crossings,
        customs_borders=candidate.customs_borders,
        departures_per_week=candidate.departures_per_week,
        feasible=not candidate.failures,
        reasons=tuple(reasons),
        failures=tuple(candidate.failures),
        clearances=route_clearances(network, lanes),
    )


def _tie_text(other: Option, best: Option) -> str:
    if other.customs_borders > best.customs_borders:
        return "but crosses more customs borders"
    if other.departures_per_week < best.departures_per_week:
        return "but departs less often"
    return "and loses only on the final ordering by route"


def _compare(other: Option, best: Option, preference: Preference) -> str:
    cost_gap = other.cost - best.cost
    day_gap = other.transit_days_max - best.transit_days_max
    if preference is Preference.FASTEST:
        if day_gap > 0:
            return f"{other.title} is {_plural(day_gap, 'day')} slower at p90 ({other.transit_days_max} days)"
        if cost_gap > 0:
            return f"{other.title} is as fast but costs {money(cost_gap)} more"
        return f"{other.title} is as fast and as cheap {_tie_text(other, best)}"
    if cost_gap > 0:
        sooner = f", though it arrives {_plural(-day_gap, 'day')} sooner at p90" if day_gap < 0 else ""
        return f"{other.title} costs {money(cost_gap)} more ({money(other.cost)}){sooner}"
    if day_gap > 0:
        return f"{other.title} costs the same but is {_plural(day_gap, 'day')} slower at p90"
    return f"{other.title} costs the same {_tie_text(other, best)}"


def choice_reasons(
    best: Option, options: Sequence[Option], preference: Preference, passed_over: Sequence[str] = ()
) -> tuple[str, ...]:
    """Why `best` won: its headline, then one line per rejected or beaten option."""
    if preference is Preference.FASTEST:
        headline = (
            f"{best.title} chosen: the fastest feasible option, {best.transit_days_max} days at p90, "
            f"for {money(best.cost)}"
        )
    else:
        headline = (
            f"{best.title} chosen: the cheapest feasible option at {money(best.cost)}, "
            f"{best.transit_days_min}–{best.transit_days_max} days"
        )
    reasons = [headline]
    for other in options:
        if other is best:
            continue
        if other.feasible:
            reasons.append(_compare(other, best, preference))
        else:
            reasons.extend(failure.reason for failure in other.failures)
    reasons.extend(passed_over)
    reasons.extend(reason for reason in best.reasons if reason.startswith(("advisory", "customs:")))
    return tuple(reasons)


def summary_reasons(chosen: Choice | None, options: Sequence[Option]) -> tuple[str, ...]:
    """The result's headline reasons: the choice's, or the failed constraint of every option."""
    if chosen is not None:
        return chosen.reasons
    lines = ["no option is feasible"]
    lines.extend(
        f"{option.title} fails {', '.join(option.failed_constraints)}: "
        + "; ".join(failure.reason for failure in option.failures)
        for option in options
    )
    return tuple(lines)
