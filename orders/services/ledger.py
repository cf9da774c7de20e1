"""Postings to the double-entry money ledger: charge, commission, refund (with its reversals), transfer.

Callers hold the order's row lock (the payment, refund and transfer services do), so the
balances read here cannot move under a posting. Each posting has a unique key, so a retried
task or a redelivered webhook never posts twice; lines of a posting sum to zero, checked here.
Arithmetic is in integer minor units: no rounding drift, whatever the mix.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from core.money import Money, from_minor_units, to_minor_units
from orders.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerPosting,
    Order,
    Payment,
    PostingKind,
    Refund,
    SellerOrder,
    SellerTransfer,
)


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    amount_minor: int
    kind: str
    seller_order: SellerOrder | None = None


def _percent_of(value: int, percent: Decimal) -> int:
    return int((Decimal(value) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _post(*, key: str, kind: str, order: Order, currency: str, lines: list[Line], description: str) -> bool:
    """Write one balanced posting once; False when ``key`` was already posted."""
    lines = [line for line in lines if line.amount_minor != 0]
    if sum(line.amount_minor for line in lines) != 0:
        raise AssertionError(f"Unbalanced ledger posting {key}: {lines}")
    try:
        with transaction.atomic():
            posting = LedgerPosting.objects.create(
                key=key, kind=kind, currency=currency, order=order, description=description[:300]
            )
    except IntegrityError:
        return False
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                posting=posting,
                account=line.account,
                seller_id=line.seller_order.seller_id if line.seller_order is not None else None,
                seller_order=line.seller_order,
                kind=line.kind,
                currency=currency,
                amount_minor=line.amount_minor,
            )
            for line in lines
        ]
    )
    return True


def _sum(*conditions: Q, **filters: object) -> int:
    return int(LedgerEntry.objects.filter(*conditions, **filters).aggregate(total=Sum("amount_minor"))["total"] or 0)


def ledger_post_charge(*, payment: Payment) -> bool:
    """The buyer paid: cash in; each seller's goods owed to them; shipping and duties to fees; then
    the platform's commission moved from each seller's share to revenue (a separate posting, so a
    seller's statement shows both)."""
    order = payment.order
    currency = payment.amount.currency.code
    total = to_minor_units(payment.amount)
    seller_orders = list(SellerOrder.objects.filter(order=order).order_by("pk"))
    goods = {part.pk: to_minor_units(part.subtotal) for part in seller_orders}
    lines = [Line(LedgerAccount.CASH, total, PostingKind.CHARGE)]
    lines += [Line(LedgerAccount.SELLER_PAYABLE, -goods[part.pk], PostingKind.CHARGE, part) for part in seller_orders]
    # Shipping, duties and any rounding of the charge (three-decimal currencies) are the platform's.
    lines.append(Line(LedgerAccount.FEES, -(total - sum(goods.values())), PostingKind.CHARGE))
    posted = _post(
        key=f"charge:{payment.pk}",
        kind=PostingKind.CHARGE,
        order=order,
        currency=currency,
        lines=lines,
        description=f"Order {order.number} paid ({payment.provider})",
    )
    commission_lines: list[Line] = []
    for part in seller_orders:
        commission = _percent_of(goods[part.pk], part.commission_percent)
        commission_lines += [
            Line(LedgerAccount.SELLER_PAYABLE, commission, PostingKind.COMMISSION, part),
            Line(LedgerAccount.COMMISSION, -commission, PostingKind.COMMISSION),
        ]
    _post(
        key=f"commission:{payment.pk}",
        kind=PostingKind.COMMISSION,
        order=order,
        currency=currency,
        lines=commission_lines,
        description=f"Platform commission on order {order.number}",
    )
    return posted


def _refund_allocation(*, refund: Refund, amount: int) -> tuple[dict[int, int], int]:
    """Split ``amount`` between the sellers' goods (per seller order) and fees.

    A refund of a seller order splits between its goods and its shipping in proportion; a refund
    of the order as a whole splits over what is left of each part in proportion, and the last
    refund takes exactly what is left, so a full refund leaves every account of the order at zero.
    """
    order = refund.payment.order
    parts = list(SellerOrder.objects.filter(order=order).order_by("pk"))
    charged = {
        p.pk: -_sum(seller_order=p, account=LedgerAccount.SELLER_PAYABLE, kind=PostingKind.CHARGE) for p in parts
    }
    refunded = {
        p.pk: _sum(seller_order=p, account=LedgerAccount.SELLER_PAYABLE, kind=PostingKind.REFUND) for p in parts
    }
    remaining = {pk: charged[pk] - refunded[pk] for pk in charged}
    if refund.seller_order_id is not None:
        part = next(p for p in parts if p.pk == refund.seller_order_id)
        goods = to_minor_units(part.subtotal)
        whole = goods + to_minor_units(part.shipping_total)
        share = int((Decimal(amount) * goods / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if whole else 0
        share = max(0, min(share, remaining[part.pk]))
        return {part.pk: share}, amount - share
    order_postings = Q(posting__order=order)
    captured_left = _sum(order_postings, account=LedgerAccount.CASH, kind__in=[PostingKind.CHARGE, PostingKind.REFUND])
    if amount >= captured_left:
        shares = dict(remaining)
    else:
        shares = {
            pk: min(left, int(Decimal(amount) * left / captured_left)) if captured_left else 0
            for pk, left in remaining.items()
        }
    return shares, amount - sum(shares.values())


def ledger_post_refund(*, refund: Refund) -> bool:
    """Money went back to the buyer: cash out; each seller's share and the fees reduced; the
    commission on the refunded goods returned to the seller. After a payout this leaves the seller
    owing (a negative payable), netted from their next transfer."""
    payment = refund.payment
    order = payment.order
    currency = refund.amount.currency.code
    amount = to_minor_units(refund.amount)
    shares, fees = _refund_allocation(refund=refund, amount=amount)
    parts = {p.pk: p for p in SellerOrder.objects.filter(pk__in=shares)}
    lines = [Line(LedgerAccount.CASH, -amount, PostingKind.REFUND), Line(LedgerAccount.FEES, fees, PostingKind.REFUND)]
    for pk, share in shares.items():
        part = parts[pk]
        lines.append(Line(LedgerAccount.SELLER_PAYABLE, share, PostingKind.REFUND, part))
        commission_left = _sum(
            seller_order=part, account=LedgerAccount.SELLER_PAYABLE, kind=PostingKind.COMMISSION
        ) + _sum(seller_order=part, account=LedgerAccount.SELLER_PAYABLE, kind=PostingKind.COMMISSION_REVERSAL)
        goods_left = -_sum(seller_order=part, account=LedgerAccount.SELLER_PAYABLE, kind=PostingKind.CHARGE) - _sum(
            seller_order=part, account=LedgerAccount.SELLER_PAYABLE, kind=PostingKind.REFUND
        )
        returned = commission_left if share >= goods_left else _percent_of(share, part.commission_percent)
        returned = max(0, min(returned, commission_left))
        lines += [
            Line(LedgerAccount.SELLER_PAYABLE, -returned, PostingKind.COMMISSION_REVERSAL, part),
            Line(LedgerAccount.COMMISSION, returned, PostingKind.COMMISSION_REVERSAL),
        ]
    return _post(
        key=f"refund:{refund.pk}",
        kind=PostingKind.REFUND,
        order=order,
        currency=currency,
        lines=lines,
        description=f"Refund of {refund.amount} on order {order.number}",
    )


def ledger_post_transfer(*, transfer: SellerTransfer) -> bool:
    """The seller's share left the platform balance for their account."""
    assert transfer.amount is not None
    part = transfer.seller_order
    amount = to_minor_units(transfer.amount)
    return _post(
        key=f"transfer:{transfer.pk}",
        kind=PostingKind.TRANSFER,
        order=part.order,
        currency=transfer.amount.currency.code,
        lines=[
            Line(LedgerAccount.SELLER_PAYABLE, amount, PostingKind.TRANSFER, part),
            Line(LedgerAccount.CASH, -amount, PostingKind.TRANSFER),
        ],
        description=f"Transfer {transfer.idempotency_key} to {part.seller}",
    )


def seller_payable(*, seller_order: SellerOrder) -> Money:
    """What the platform still owes the seller for this seller order (negative: the seller owes)."""
    currency = seller_order.order.currency
    value = -_sum(seller_order=seller_order, account=LedgerAccount.SELLER_PAYABLE)
    return from_minor_units(value, currency)


def seller_payable_total(*, seller_id: int, currency: str) -> Money:
    value = -_sum(seller_id=seller_id, currency=currency, account=LedgerAccount.SELLER_PAYABLE)
    return from_minor_units(value, currency)
