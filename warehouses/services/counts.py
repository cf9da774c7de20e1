"""Cycle counts: start a count of some stock rows, record what staff counted, book the differences.

The booking goes through ``stock_count_book`` (the stock ledger and its one lock helper), so a
count corrects the shelf exactly like every other stock write: in the ledger, under the same
row locks, all rows or none.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from warehouses.models import STOCK_UNITS_MAX, CycleCount, CycleCountLine, CycleCountStatus, Stock
from warehouses.services.stock import CountedRow, _actor_id, stock_count_book

#: Rows in one count: a count is a walk along some shelves, not the whole warehouse at once.
CYCLE_COUNT_MAX_ROWS = 500


@transaction.atomic
def cycle_count_start(*, stocks: Sequence[Stock], actor: Any = None, note: str = "") -> CycleCount:
    """A count of these stock rows (all at one warehouse)."""
    stocks = list(stocks)
    if not stocks:
        raise ValidationFailed(_("Choose the stock rows to count."), errors={"stocks": [_("At least one row.")]})
    if len(stocks) > CYCLE_COUNT_MAX_ROWS:
        raise ValidationFailed(
            _("Count at most %(limit)s rows at once.") % {"limit": CYCLE_COUNT_MAX_ROWS},
            errors={"stocks": [_("Too many rows.")]},
        )
    warehouses = {stock.warehouse_id for stock in stocks}
    if len(warehouses) != 1:
        raise ValidationFailed(
            _("A count covers one warehouse; choose rows of one warehouse."),
            errors={"stocks": [_("Several warehouses.")]},
        )
    count = CycleCount.objects.create(warehouse_id=warehouses.pop(), note=note[:200], created_by_id=_actor_id(actor))
    CycleCountLine.objects.bulk_create(CycleCountLine(count=count, stock=stock) for stock in stocks)
    return count


def _open(count: CycleCount) -> CycleCount:
    locked = CycleCount.objects.select_for_update().get(pk=count.pk)
    if locked.status != CycleCountStatus.OPEN:
        raise Conflict(
            _("Count %(reference)s is already booked.") % {"reference": locked.reference}, code="count_booked"
        )
    return locked


@transaction.atomic
def cycle_count_record(*, count: CycleCount, counted: Mapping[int, int], actor: Any = None) -> CycleCount:
    """Record what was counted per line id; each line keeps the on-hand the system held at that moment."""
    locked = _open(count)
    lines = {line.pk: line for line in locked.lines.select_related("stock")}
    errors: dict[str, list[str]] = {}
    for line_id, value in counted.items():
        if line_id not in lines:
            errors[str(line_id)] = [_("Not a line of this count.")]
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= STOCK_UNITS_MAX:
            errors[str(line_id)] = [_("A whole number of units, 0 or more.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    now = timezone.now()
    on_hand = dict(Stock.objects.filter(pk__in=[lines[pk].stock_id for pk in counted]).values_list("pk", "on_hand"))
    for line_id, value in counted.items():
        line = lines[line_id]
        CycleCountLine.objects.filter(pk=line.pk).update(
            counted=value, on_hand_at_count=on_hand[line.stock_id], counted_at=now, counted_by_id=_actor_id(actor)
        )
    return locked


@transaction.atomic
def cycle_count_book(*, count: CycleCount, actor: Any = None) -> dict[int, int]:
    """Book every line's difference through the stock ledger, all or nothing; returns stock id → difference."""
    locked = _open(count)
    lines = list(locked.lines.all())
    uncounted = [line for line in lines if line.counted is None or line.on_hand_at_count is None]
    if uncounted:
        raise ValidationFailed(
            _("%(count)s line(s) are not counted yet.") % {"count": len(uncounted)},
            errors={str(line.pk): [_("Not counted yet.")] for line in uncounted},
        )
    differences = stock_count_book(
        rows=[
            CountedRow(
                stock_id=line.stock_id,
                counted=int(line.counted or 0),
                on_hand_when_counted=int(line.on_hand_at_count or 0),
            )
            for line in lines
        ],
        reference=locked.reference,
        actor=actor,
    )
    for line in lines:
        CycleCountLine.objects.filter(pk=line.pk).update(difference=differences[line.stock_id])
    CycleCount.objects.filter(pk=locked.pk).update(
        status=CycleCountStatus.BOOKED, booked_at=timezone.now(), booked_by_id=_actor_id(actor)
    )
    return differences
