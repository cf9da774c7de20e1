"""Which warehouse serves which line: value types and named, swappable allocation strategies.

A strategy only *ranks* the warehouses holding a variant for one destination; the allocation
rule is shared: take the best-ranked warehouse that can serve the whole line, and split a line
across warehouses (in rank order) only when no single one can. The functions here are pure:
``stock_reserve`` hands them a snapshot of the locked stock rows.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.reference import same_customs_union

# Used when no delivery estimate exists for a warehouse's hub and the destination.
UNKNOWN_DAYS = 10_000


@dataclass(frozen=True, slots=True)
class ReservationLine:
    variant_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Allocation:
    variant_id: int
    warehouse_id: int
    warehouse_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class StockOption:
    """One stock row that could serve a variant, as the strategy sees it."""

    stock_id: int
    variant_id: int
    warehouse_id: int
    warehouse_code: str
    warehouse_country: str
    hub_id: int
    available: int
    # Days to the destination from the warehouse's hub (DeliveryEstimate.days_max), None when unknown.
    days_max: int | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    allocations: list[Allocation] = field(default_factory=list)
    stock_ids: dict[tuple[int, int], int] = field(default_factory=dict)  # (variant, warehouse) → stock id
    short: dict[int, int] = field(default_factory=dict)  # variant id → units available in total


RankKey = Callable[[StockOption, str], tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class Strategy:
    """A named ranking of warehouses for a destination country (lower key = preferred)."""

    name: str
    description: str
    key: RankKey

    def rank(self, options: Sequence[StockOption], destination_country: str) -> list[StockOption]:
        return sorted(options, key=lambda option: self.key(option, destination_country))


def _days(option: StockOption) -> int:
    return UNKNOWN_DAYS if option.days_max is None else option.days_max


def _default_key(option: StockOption, destination_country: str) -> tuple[object, ...]:
    if option.warehouse_country == destination_country:
        tier = 0
    elif same_customs_union(option.warehouse_country, destination_country):
        tier = 1
    else:
        tier = 2
    # Ties broken by code so the same cart always gets the same warehouses.
    return (tier, _days(option), option.warehouse_code)


def _fastest_key(option: StockOption, destination_country: str) -> tuple[object, ...]:
    same_country = option.warehouse_country == destination_country
    return (0 if same_country else 1, _days(option), option.warehouse_code)


STRATEGIES: dict[str, Strategy] = {}


def strategy_register(strategy: Strategy) -> Strategy:
    STRATEGIES[strategy.name] = strategy
    return strategy


def strategy_get(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise ValidationFailed(
            _("Unknown allocation strategy %(name)s.") % {"name": repr(name)},
            errors={"strategy": [_("Use one of: %(choices)s.") % {"choices": known}]},
        ) from None


strategy_register(
    Strategy(
        "default",
        "Stock in the buyer's country, then in the same customs union, then the fastest route.",
        _default_key,
    )
)
strategy_register(Strategy("fastest", "Stock in the buyer's country, then the fastest route.", _fastest_key))


def merge_lines(lines: Sequence[ReservationLine]) -> dict[int, int]:
    """Sum quantities per variant (a cart may hold one variant twice); refuses non-positive quantities."""
    merged: dict[int, int] = {}
    for line in lines:
        if not isinstance(line.quantity, int) or line.quantity < 1:
            raise ValidationFailed(
                _("Quantities must be whole numbers of at least 1."),
                errors={str(line.variant_id): [_("Quantity must be at least 1.")]},
            )
        merged[line.variant_id] = merged.get(line.variant_id, 0) + line.quantity
    if not merged:
        raise ValidationFailed(_("Nothing to reserve."), errors={"lines": [_("At least one line is required.")]})
    return merged


def plan_allocations(
    *, demand: dict[int, int], options: Sequence[StockOption], destination_country: str, strategy: Strategy
) -> Plan:
    """Allocate each variant's demand to warehouses; lines that cannot be served end up in ``short``."""
    by_variant: dict[int, list[StockOption]] = {}
    for option in options:
        if option.available > 0:
            by_variant.setdefault(option.variant_id, []).append(option)
    allocations: list[Allocation] = []
    stock_ids: dict[tuple[int, int], int] = {}
    short: dict[int, int] = {}
    for variant_id in sorted(demand):
        wanted = demand[variant_id]
        ranked = strategy.rank(by_variant.get(variant_id, []), destination_country)
        total = sum(option.available for option in ranked)
        if total < wanted:
            short[variant_id] = total
            continue
        whole = next((option for option in ranked if option.available >= wanted), None)
        chosen = [(whole, wanted)] if whole else []
        if not chosen:
            remaining = wanted
            for option in ranked:
                take = min(option.available, remaining)
                chosen.append((option, take))
                remaining -= take
                if remaining == 0:
                    break
        for option, quantity in chosen:
            allocations.append(Allocation(variant_id, option.warehouse_id, option.warehouse_code, quantity))
            stock_ids[(variant_id, option.warehouse_id)] = option.stock_id
    return Plan(allocations=allocations, stock_ids=stock_ids, short=short)
