"""The invariants of stock and money, checked against the database: what ``manage.py audit`` reports.

Each check is one or two aggregate queries over the whole table (never a row at a time) and names
every offending row, so an operator can go straight to it. The checks hold at every commit:
services change counts and write their ledger in the same transaction, so a finding means a bug,
a hand edit in the database, or a fault that broke a transaction's promise. The fault tests run
the audit after every fault they inject (core/tests/test_faults.py).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from orders.models import (
    LedgerEntry,
    LedgerPosting,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    SellerTransfer,
    ShipmentStatus,
)
from orders.stages import STAGES
from warehouses.models import OutboundLine, OutboundStatus, Stock

#: Outbound shipments whose units are still reserved (released, not yet out of the door).
RESERVING_OUTBOUND = (OutboundStatus.PENDING, OutboundStatus.READY, OutboundStatus.PICKED, OutboundStatus.PACKED)
#: A payment that took the buyer's money.
CAPTURED = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)
#: An order that is paid and on its way (allocated to warehouses).
ALLOCATED = tuple(STAGES)


@dataclass(frozen=True, slots=True)
class Finding:
    check: str  # which invariant
    row: str  # the offending row, e.g. "warehouses.Stock #12"
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.row}: {self.detail}"


def _stock_label(stock: Stock) -> str:
    return f"warehouses.Stock #{stock.pk} (variant {stock.variant_id} at {stock.warehouse.code})"


def audit_stock_ledger() -> list[Finding]:
    """Each stock row's counts equal the sums of its ledger entries."""
    rows = (
        Stock.objects.select_related("warehouse")
        .annotate(
            ledger_on_hand=Coalesce(Sum("ledger_entries__on_hand_delta"), 0),
            ledger_reserved=Coalesce(Sum("ledger_entries__reserved_delta"), 0),
        )
        .exclude(on_hand=F("ledger_on_hand"), reserved=F("ledger_reserved"))
        .order_by("pk")
    )
    return [
        Finding(
            "stock_ledger",
            _stock_label(stock),
            f"on hand {stock.on_hand}, reserved {stock.reserved}; "
            f"the ledger sums to on hand {stock.ledger_on_hand}, reserved {stock.ledger_reserved}",
        )
        for stock in rows
    ]


def audit_negative() -> list[Finding]:
    """Nothing negative: stock counts, reserved within on hand, order totals, payments, refunds, transfers."""
    findings = [
        Finding("negative", _stock_label(stock), f"on hand {stock.on_hand}, reserved {stock.reserved}")
        for stock in Stock.objects.select_related("warehouse")
        .filter(Q(on_hand__lt=0) | Q(reserved__lt=0) | Q(reserved__gt=F("on_hand")))
        .order_by("pk")
    ]
    money_columns: list[tuple[type, str, str]] = [
        (Order, "total", "orders.Order"),
        (Order, "subtotal", "orders.Order"),
        (Payment, "amount", "orders.Payment"),
        (Refund, "amount", "orders.Refund"),
        (SellerTransfer, "amount", "orders.SellerTransfer"),
    ]
    for model, column, label in money_columns:
        if column not in {field.name for field in model._meta.get_fields()}:
            continue
        for pk, value in model.objects.filter(**{f"{column}__lt": 0}).order_by("pk").values_list("pk", column):
            findings.append(Finding("negative", f"{label} #{pk}", f"{column} is {value}"))
    return findings


def audit_reservations() -> list[Finding]:
    """Reserved units of each stock row equal the units of its open outbound shipments."""
    open_units: dict[tuple[int, int], int] = defaultdict(int)
    lines = (
        OutboundLine.objects.filter(shipment__status__in=RESERVING_OUTBOUND)
        .values("variant_id", "shipment__warehouse_id")
        .annotate(units=Sum("quantity"))
    )
    for line in lines:
        open_units[(line["variant_id"], line["shipment__warehouse_id"])] = line["units"]
    findings = []
    seen = set()
    for stock in Stock.objects.select_related("warehouse").order_by("pk"):
        key = (stock.variant_id, stock.warehouse_id)
        seen.add(key)
        if stock.reserved != open_units.get(key, 0):
            findings.append(
                Finding(
                    "reservations",
                    _stock_label(stock),
                    f"reserved {stock.reserved}, open shipments hold {open_units.get(key, 0)}",
                )
            )
    for (variant_id, warehouse_id), units in sorted(open_units.items()):
        if (variant_id, warehouse_id) not in seen and units:
            findings.append(
                Finding(
                    "reservations",
                    f"variant {variant_id} at warehouse #{warehouse_id}",
                    f"open shipments hold {units} units but there is no stock row",
                )
            )
    return findings


def audit_money_ledger() -> list[Finding]:
    """Every posting balances in its currency and has at least two lines."""
    findings = []
    postings = (
        LedgerPosting.objects.annotate(
            balance=Coalesce(Sum("entries__amount_minor"), 0),
            lines=Count("entries"),
            foreign=Count("entries", filter=~Q(entries__currency=F("currency"))),
        )
        .filter(Q(balance__gt=0) | Q(balance__lt=0) | Q(lines__lt=2) | Q(foreign__gt=0))
        .order_by("pk")
    )
    for posting in postings:
        findings.append(
            Finding(
                "money_ledger",
                f"orders.LedgerPosting #{posting.pk} ({posting.key})",
                f"{posting.lines} lines summing to {posting.balance} minor units of {posting.currency}"
                + (f", {posting.foreign} in another currency" if posting.foreign else ""),
            )
        )
    for entry in LedgerEntry.objects.exclude(kind=F("posting__kind")).order_by("pk"):
        findings.append(Finding("money_ledger", f"orders.LedgerEntry #{entry.pk}", "kind differs from its posting's"))
    return findings


def audit_paid_orders() -> list[Finding]:
    """A captured payment's order is allocated (or further on) or refunded; an allocated order was paid."""
    findings = []
    refunding = set(
        Refund.objects.exclude(status=RefundStatus.FAILED).values_list("payment__order_id", flat=True).distinct()
    )
    captured = Payment.objects.filter(status__in=CAPTURED).select_related("order").order_by("order_id")
    for payment in captured:
        order = payment.order
        if order.status in ALLOCATED or order.status == OrderStatus.REFUNDED:
            continue
        if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED) and order.pk in refunding:
            continue
        findings.append(
            Finding(
                "paid_orders",
                f"orders.Order #{order.pk} ({order.number})",
                f"payment {payment.status} but the order is {order.status}, neither allocated nor refunded",
            )
        )
    unpaid = (
        Order.objects.filter(status__in=(OrderStatus.PAID, *ALLOCATED))
        .exclude(payment__status__in=CAPTURED)
        .order_by("pk")
    )
    for order in unpaid:
        findings.append(
            Finding("paid_orders", f"orders.Order #{order.pk} ({order.number})", f"{order.status} without a payment")
        )
    not_released = (
        Order.objects.filter(status__in=ALLOCATED, shipments__status=ShipmentStatus.PENDING).distinct().order_by("pk")
    )
    for order in not_released:
        findings.append(
            Finding(
                "paid_orders",
                f"orders.Order #{order.pk} ({order.number})",
                f"{order.status} but a shipment is still pending (not allocated to its warehouse)",
            )
        )
    return findings


CHECKS = {
    "stock_ledger": audit_stock_ledger,
    "negative": audit_negative,
    "reservations": audit_reservations,
    "money_ledger": audit_money_ledger,
    "paid_orders": audit_paid_orders,
}


def audit_run(checks: list[str] | None = None) -> list[Finding]:
    """Every finding of the named checks (all by default); an empty list means every invariant holds."""
    findings: list[Finding] = []
    for name in checks or list(CHECKS):
        findings.extend(CHECKS[name]())
    return findings
