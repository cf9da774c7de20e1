"""Stock writes: receive, reserve, release, ship, adjust; each writes ledger rows in the same transaction.

Every write locks its rows through ``stock_lock``, all of them at once in primary-key order (one
``SELECT ... ORDER BY id FOR UPDATE``), so two transactions touching the same rows always queue
in the same order and cannot deadlock: a receipt of many SKUs scanned in any order and an order
reserving the same SKUs included. Counts change with conditional ``UPDATE``s checked by row
count, and the database's check constraints are the last line against negative stock.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from marketplace.models import ProductVariant
from warehouses.exceptions import InsufficientStock
from warehouses.models import STOCK_UNITS_MAX, LedgerKind, Stock, StockLedgerEntry
from warehouses.reservations import (
    Allocation,
    Plan,
    ReservationLine,
    StockOption,
    merge_lines,
    plan_allocations,
    strategy_get,
)
from warehouses.signals import stock_availability_changed
from warehouses.transport.models import DeliveryEstimate


def _actor_id(actor: Any) -> int | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return int(actor.pk)


def _entry(
    stock: Stock,
    kind: str,
    *,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    reference: str = "",
    reason: str = "",
    actor: Any = None,
) -> StockLedgerEntry:
    """A ledger row for a change applied to ``stock`` (a row locked by this transaction, pre-change)."""
    _availability_watch(stock, on_hand_delta=on_hand_delta, reserved_delta=reserved_delta)
    return StockLedgerEntry(
        stock_id=stock.pk,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        on_hand_after=stock.on_hand + on_hand_delta,
        reserved_after=stock.reserved + reserved_delta,
        reference=reference[:100],
        reason=reason,
        actor_id=_actor_id(actor),
    )


def _availability_watch(stock: Stock, *, on_hand_delta: int, reserved_delta: int) -> None:
    """After commit, say so when this change takes the row's available units across zero.

    Every write passes through ``_entry`` with the row as it was before the change, so this is the
    one place that sees both sides; the catalog (``in_stock``, delivery) listens.
    """
    before = stock.on_hand - stock.reserved
    after = before + on_hand_delta - reserved_delta
    if (before > 0) == (after > 0):
        return
    variant_id, warehouse_id = stock.variant_id, stock.warehouse_id
    transaction.on_commit(
        lambda: stock_availability_changed.send(
            sender=Stock, variant_id=variant_id, warehouse_id=warehouse_id, available=after > 0
        )
    )


def stock_lock(*, stock_ids: Iterable[int] | None = None, rows: QuerySet[Stock] | None = None) -> list[Stock]:
    """Lock stock rows in primary-key order (the one lock helper of this app) and return them fresh.

    Pass ``stock_ids``, or ``rows`` (a filtered queryset, e.g. with ``select_related``: only the
    stock rows are locked). Taking every row a write needs in one statement, in one order, is
    what keeps concurrent writers from deadlocking; never lock stock rows one by one.
    """
    if (stock_ids is None) == (rows is None):
        raise TypeError("stock_lock takes stock_ids or rows")
    if rows is None:
        rows = Stock.objects.filter(pk__in=set(stock_ids or ()))
    return list(rows.select_for_update(of=("self",)).order_by("pk"))


def _plan(
    *, lines: Sequence[ReservationLine], destination_country: str, strategy: str, lock: bool
) -> tuple[Plan, dict[int, Stock]]:
    """Plan which warehouses serve ``lines``: on locked rows (``lock``) or on a snapshot of the counts."""
    demand = merge_lines(lines)
    chosen_strategy = strategy_get(strategy)
    destination_country = (destination_country or "").upper()
    # One query: the candidate rows with their warehouse; only the stock rows are locked (OF self).
    rows = (
        Stock.objects.filter(variant_id__in=demand, warehouse__is_active=True)
        .select_related("warehouse")
        .only("id", "variant_id", "on_hand", "reserved", "warehouse__code", "warehouse__country", "warehouse__hub_id")
    )
    stocks = stock_lock(rows=rows) if lock else list(rows.order_by("pk"))
    days: dict[int, int] = {}
    per_variant = Counter(stock.variant_id for stock in stocks if stock.available > 0)
    if any(count > 1 for count in per_variant.values()):  # a choice to make: route speeds break ties
        days = dict(
            DeliveryEstimate.objects.filter(
                origin_hub_id__in={stock.warehouse.hub_id for stock in stocks},
                destination_country=destination_country,
            ).values_list("origin_hub_id", "days_max")
        )
    options = [
        StockOption(
            stock_id=stock.pk,
            variant_id=stock.variant_id,
            warehouse_id=stock.warehouse_id,
            warehouse_code=stock.warehouse.code,
            warehouse_country=stock.warehouse.country,
            hub_id=stock.warehouse.hub_id,
            available=stock.available,
            days_max=days.get(stock.warehouse.hub_id),
        )
        for stock in stocks
    ]
    plan = plan_allocations(
        demand=demand, options=options, destination_country=destination_country, strategy=chosen_strategy
    )
    if plan.short:
        raise InsufficientStock(plan.short)
    return plan, {stock.pk: stock for stock in stocks}


def stock_plan(*, lines: Sequence[ReservationLine], destination_country: str, strategy: str = "default") -> Plan:
    """Plan a reservation on the current counts without locking or writing anything.

    ``InsufficientStock`` if the lines cannot be served now. The plan's ``stock_ids`` name the rows
    ``stock_take`` will update; the counts may move before it does, which ``stock_take`` detects.
    """
    plan, _ = _plan(lines=lines, destination_country=destination_country, strategy=strategy, lock=False)
    return plan


@transaction.atomic
def stock_reserve(
    *,
    lines: Sequence[ReservationLine],
    destination_country: str,
    reference: str,
    actor: Any = None,
    strategy: str = "default",
    dry_run: bool = False,
) -> list[Allocation]:
    """Reserve every line or none, choosing warehouses with the named strategy.

    The candidate rows are locked *before* the plan is made, so the plan is computed from counts
    no one else can change until this transaction ends. ``dry_run`` plans on unlocked counts and
    writes nothing (the checkout quote). Order placement uses the shorter ``stock_plan`` +
    ``stock_take`` first and comes here only when the counts moved under its plan.
    """
    plan, by_id = _plan(lines=lines, destination_country=destination_country, strategy=strategy, lock=not dry_run)
    if dry_run:
        return plan.allocations

    entries = []
    now = timezone.now()
    for allocation in sorted(plan.allocations, key=lambda a: plan.stock_ids[(a.variant_id, a.warehouse_id)]):
        stock = by_id[plan.stock_ids[(allocation.variant_id, allocation.warehouse_id)]]
        quantity = allocation.quantity
        updated = Stock.objects.filter(pk=stock.pk, on_hand__gte=F("reserved") + quantity).update(
            reserved=F("reserved") + quantity, updated_at=now
        )
        if updated != 1:  # cannot happen while we hold the lock; the check keeps it impossible to oversell
            raise InsufficientStock({allocation.variant_id: stock.available})
        entries.append(_entry(stock, LedgerKind.RESERVE, reserved_delta=quantity, reference=reference, actor=actor))
    StockLedgerEntry.objects.bulk_create(entries)
    return plan.allocations


class StockPlanStale(Exception):
    """A row of the plan no longer has the units the plan counted on: plan again under the lock."""


def stock_take(*, plan: Plan, reference: str, actor: Any = None) -> None:
    """Reserve a ``stock_plan`` with one conditional ``UPDATE ... RETURNING`` per stock row.

    No ``SELECT ... FOR UPDATE`` first: each row is locked by its own update, which also checks
    ``on_hand - reserved >= n`` in the same statement, so the hot row is locked for the rest of the
    caller's transaction only, and never oversold. Rows are updated in primary-key order, the order
    ``stock_lock`` takes them in, so this queues behind (never deadlocks with) the other writers.
    Must run inside the caller's transaction (the order's rows commit with the reservation), as
    late in it as possible. A row without the planned units raises ``StockPlanStale`` (the
    caller rolls back and reserves with ``stock_reserve``, which plans again under the lock).
    """
    if not transaction.get_connection().in_atomic_block:
        raise TypeError("stock_take runs inside the caller's transaction")
    table = connection.ops.quote_name(Stock._meta.db_table)
    # The row's counts as they are after the update, for the ledger; one round trip per row.
    statement = (
        f"UPDATE {table} SET reserved = reserved + %s, updated_at = %s "  # noqa: S608 - the model's table name
        "WHERE id = %s AND on_hand - reserved >= %s RETURNING variant_id, warehouse_id, on_hand, reserved"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    entries = []
    with connection.cursor() as cursor:
        for allocation in sorted(plan.allocations, key=lambda a: plan.stock_ids[(a.variant_id, a.warehouse_id)]):
            stock_id = plan.stock_ids[(allocation.variant_id, allocation.warehouse_id)]
            quantity = allocation.quantity
            cursor.execute(statement, [quantity, now, stock_id, quantity])
            row = cursor.fetchone()
            if row is None:
                raise StockPlanStale(stock_id)
            variant_id, warehouse_id, on_hand, reserved = row
            before = Stock(pk=stock_id, variant_id=variant_id, warehouse_id=warehouse_id)
            before.on_hand, before.reserved = on_hand, reserved - quantity
            entries.append(
                _entry(before, LedgerKind.RESERVE, reserved_delta=quantity, reference=reference, actor=actor)
            )
    StockLedgerEntry.objects.bulk_create(entries)


def _merge_allocations(allocations: Sequence[Allocation]) -> dict[tuple[int, int], int]:
    merged: dict[tuple[int, int], int] = {}
    for allocation in allocations:
        if allocation.quantity < 1:
            raise ValidationFailed(_("Allocation quantities must be at least 1."))
        key = (allocation.variant_id, allocation.warehouse_id)
        merged[key] = merged.get(key, 0) + allocation.quantity
    return merged


def _lock_allocated(merged: dict[tuple[int, int], int]) -> list[Stock]:
    if not merged:
        return []
    match = reduce(or_, (Q(variant_id=variant, warehouse_id=warehouse) for variant, warehouse in merged))
    stocks = stock_lock(rows=Stock.objects.filter(match))
    if len(stocks) != len(merged):
        raise Conflict(_("Some allocations have no stock row."), code="not_reserved")
    return stocks


def _reserved_out(*, allocations: Sequence[Allocation], reference: str, actor: Any, ship: bool) -> None:
    merged = _merge_allocations(allocations)
    entries = []
    now = timezone.now()
    for stock in _lock_allocated(merged):
        quantity = merged[(stock.variant_id, stock.warehouse_id)]
        changes: dict[str, Any] = {"reserved": F("reserved") - quantity, "updated_at": now}
        if ship:
            changes["on_hand"] = F("on_hand") - quantity
        updated = Stock.objects.filter(pk=stock.pk, reserved__gte=quantity).update(**changes)
        if updated != 1:
            raise Conflict(
                _("Only %(reserved)s units of variant %(variant_id)s are reserved at this warehouse.")
                % {"reserved": stock.reserved, "variant_id": stock.variant_id},
                code="not_reserved",
                errors={str(stock.variant_id): [_("Only %(reserved)s reserved.") % {"reserved": stock.reserved}]},
            )
        entries.append(
            _entry(
                stock,
                LedgerKind.SHIP if ship else LedgerKind.RELEASE,
                on_hand_delta=-quantity if ship else 0,
                reserved_delta=-quantity,
                reference=reference,
                actor=actor,
            )
        )
    StockLedgerEntry.objects.bulk_create(entries)


@transaction.atomic
def stock_release(*, allocations: Sequence[Allocation], reference: str, actor: Any = None) -> None:
    """Give reserved units back (order cancelled or expired)."""
    _reserved_out(allocations=allocations, reference=reference, actor=actor, ship=False)


@transaction.atomic
def stock_ship(*, allocations: Sequence[Allocation], reference: str, actor: Any = None) -> None:
    """Reserved units left the building: both on hand and reserved go down."""
    _reserved_out(allocations=allocations, reference=reference, actor=actor, ship=True)


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    variant_id: int
    quantity: int
    #: Kept on this line's ledger row (e.g. "2 more arrived damaged: crushed box").
    reason: str = ""


@transaction.atomic
def stock_receive_many(
    *, warehouse_id: int, lines: Sequence[ReceiptLine], reference: str, actor: Any = None, reason: str = ""
) -> list[Stock]:
    """Put received units of several variants on the shelf at once (available at once).

    Missing stock rows are created first, then every row is locked together through
    ``stock_lock``: a receipt scanned in any order takes its locks in the same order as an order
    reserving the same SKUs, so the two queue instead of deadlocking. Returns the rows, updated,
    in primary-key order.
    """
    quantities: dict[int, int] = {}
    reasons: dict[int, list[str]] = {}
    for line in lines:
        if not isinstance(line.quantity, int) or line.quantity < 1:
            raise ValidationFailed(
                _("Received quantity must be at least 1."), errors={"quantity": [_("Must be at least 1.")]}
            )
        quantities[line.variant_id] = quantities.get(line.variant_id, 0) + line.quantity
        if line.reason:
            reasons.setdefault(line.variant_id, []).append(line.reason)
    if not quantities:
        return []
    # New rows in variant order: two receipts creating the same rows wait for each other in one order too.
    # Each row's product is its variant's, read by the INSERT itself (still one statement); an
    # unknown variant gives NULL, which the column refuses, as its foreign key did.
    Stock.objects.bulk_create(
        [
            Stock(
                variant_id=variant_id,
                warehouse_id=warehouse_id,
                product_id=Subquery(ProductVariant.objects.filter(pk=variant_id).values("product_id")),
            )
            for variant_id in sorted(quantities)
        ],
        ignore_conflicts=True,
    )
    stocks = stock_lock(rows=Stock.objects.filter(warehouse_id=warehouse_id, variant_id__in=quantities))
    now = timezone.now()
    entries = []
    for stock in stocks:
        quantity = quantities[stock.variant_id]
        Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + quantity, updated_at=now)
        line_reason = "; ".join(
            [reason, *reasons.get(stock.variant_id, [])] if reason else reasons.get(stock.variant_id, [])
        )
        entries.append(
            _entry(
                stock, LedgerKind.RECEIVE, on_hand_delta=quantity, reference=reference, reason=line_reason, actor=actor
            )
        )
    StockLedgerEntry.objects.bulk_create(entries)
    return list(Stock.objects.filter(pk__in=[stock.pk for stock in stocks]).order_by("pk"))


def stock_receive(
    *, variant_id: int, warehouse_id: int, quantity: int, reference: str, actor: Any = None, reason: str = ""
) -> Stock:
    """Put received units of one variant on the shelf; creates the stock row on first receipt."""
    (stock,) = stock_receive_many(
        warehouse_id=warehouse_id,
        lines=[ReceiptLine(variant_id, quantity)],
        reference=reference,
        actor=actor,
        reason=reason,
    )
    return stock


@transaction.atomic
def stock_adjust(*, stock: Stock, delta: int, reason: str, actor: Any, reference: str = "") -> Stock:
    """Correct on-hand units after a count, damage or loss; a reason is required and kept in the ledger."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the stock is adjusted."), errors={"reason": [_("A reason is required.")]})
    if not isinstance(delta, int) or delta == 0:
        raise ValidationFailed(_("The adjustment must change the stock."), errors={"delta": [_("Must not be zero.")]})
    (locked,) = stock_lock(stock_ids=[stock.pk])
    if locked.on_hand + delta > STOCK_UNITS_MAX:  # the column would overflow (a database error, not a 400)
        message = _("At most %(limit)s units can be added.") % {"limit": STOCK_UNITS_MAX - locked.on_hand}
        raise ValidationFailed(message, errors={"delta": [message]})
    # on_hand + delta must stay >= reserved (units promised to buyers cannot be adjusted away).
    updated = Stock.objects.filter(pk=locked.pk, on_hand__gte=F("reserved") - delta).update(
        on_hand=F("on_hand") + delta, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(
            _("Cannot remove %(units)s units: %(on_hand)s on hand, %(reserved)s reserved for orders.")
            % {"units": -delta, "on_hand": locked.on_hand, "reserved": locked.reserved},
            code="adjustment_below_reserved",
            errors={"delta": [_("At most %(available)s units can be removed.") % {"available": locked.available}]},
            extra={"on_hand": locked.on_hand, "reserved": locked.reserved},
        )
    _entry(locked, LedgerKind.ADJUST, on_hand_delta=delta, reference=reference, reason=reason, actor=actor).save()
    locked.refresh_from_db()
    return locked


@dataclass(frozen=True, slots=True)
class CountedRow:
    """A stock row as counted: ``on_hand_when_counted`` is what the system held when the count was taken."""

    stock_id: int
    counted: int
    on_hand_when_counted: int


@transaction.atomic
def stock_count_book(*, rows: Sequence[CountedRow], reference: str, actor: Any = None) -> dict[int, int]:
    """Book a cycle count: each row's on-hand becomes what was counted, the difference in the ledger.

    All rows are locked at once through ``stock_lock``. A row whose on-hand moved since it was
    counted (a receipt or a dispatch in between) refuses the whole booking: the shelf and the
    count no longer describe the same moment, so the row must be counted again. A count below
    the units reserved for orders is refused too (those units must be on the shelf). Nothing is
    written unless every row can be booked. Returns the difference booked per stock id.
    """
    wanted: dict[int, CountedRow] = {}
    for row in rows:
        if isinstance(row.counted, bool) or not isinstance(row.counted, int) or not 0 <= row.counted <= STOCK_UNITS_MAX:
            raise ValidationFailed(
                _("A count is a whole number of units."), errors={str(row.stock_id): [_("Must be 0 or more.")]}
            )
        if row.stock_id in wanted:
            raise ValidationFailed(
                _("A stock row is counted twice."), errors={str(row.stock_id): [_("Counted twice.")]}
            )
        wanted[row.stock_id] = row
    stocks = stock_lock(stock_ids=wanted)
    if len(stocks) != len(wanted):
        raise Conflict(_("Some counted stock rows no longer exist."), code="count_stale")
    stale = {
        str(stock.pk): [
            _("On hand moved from %(before)s to %(now)s: count again.")
            % {"before": wanted[stock.pk].on_hand_when_counted, "now": stock.on_hand}
        ]
        for stock in stocks
        if stock.on_hand != wanted[stock.pk].on_hand_when_counted
    }
    if stale:
        raise Conflict(_("Stock moved since it was counted; count those rows again."), code="count_stale", errors=stale)
    short = {
        str(stock.pk): [
            _("Counted %(counted)s, but %(reserved)s are reserved for orders.")
            % {"counted": wanted[stock.pk].counted, "reserved": stock.reserved}
        ]
        for stock in stocks
        if wanted[stock.pk].counted < stock.reserved
    }
    if short:
        raise Conflict(
            _("A count is below the units reserved for orders; look for them before booking."),
            code="count_below_reserved",
            errors=short,
        )
    now = timezone.now()
    differences: dict[int, int] = {}
    entries = []
    for stock in stocks:
        counted = wanted[stock.pk].counted
        delta = counted - stock.on_hand
        differences[stock.pk] = delta
        if delta == 0:
            continue
        # Conditional on the locked value: the row cannot have moved, and the check says so.
        updated = Stock.objects.filter(pk=stock.pk, on_hand=stock.on_hand).update(on_hand=counted, updated_at=now)
        if updated != 1:
            raise Conflict(_("Stock moved while booking the count."), code="count_stale")
        entries.append(
            _entry(
                stock,
                LedgerKind.COUNT,
                on_hand_delta=delta,
                reference=reference,
                reason=f"Counted {counted}, the system held {stock.on_hand}.",
                actor=actor,
            )
        )
    StockLedgerEntry.objects.bulk_create(entries)
    return differences


@transaction.atomic
def stock_settings_update(
    *, stock: Stock, bin_location: str | None = None, low_stock_threshold: int | None = None
) -> Stock:
    """Where the row's units sit and when it counts as low; the counts themselves never change here."""
    changes: dict[str, Any] = {}
    if bin_location is not None:
        bin_location = bin_location.strip().upper()
        if len(bin_location) > 32:
            raise ValidationFailed(
                _("A bin location has at most 32 characters."), errors={"bin_location": [_("Too long.")]}
            )
        changes["bin_location"] = bin_location
    if low_stock_threshold is not None:
        if isinstance(low_stock_threshold, bool) or not 0 <= low_stock_threshold <= STOCK_UNITS_MAX:
            raise ValidationFailed(
                _("The threshold is a whole number of units."),
                errors={"low_stock_threshold": [_("Must be 0 or more.")]},
            )
        changes["low_stock_threshold"] = low_stock_threshold
    if changes:
        Stock.objects.filter(pk=stock.pk).update(**changes, updated_at=timezone.now())
        stock.refresh_from_db()
    return stock
