"""Seller payouts (Connect, separate charges and transfers): a delivered seller order's share goes to the seller.

A seller order is due once delivered and ``PAYOUT_HOLD_DAYS`` have passed. The transfer row is
written first (unique per seller order, key ``tr:<order>:<seller>``), the provider is called
with no lock held, and the result is recorded with the ledger posting in one transaction. A
failed call leaves the row ``failed`` with its amount fixed, so the next run retries the very
same request and the provider's idempotency makes it pay once. A seller whose payouts are not
enabled accrues: their rows wait ``held`` and are paid by the first run after they are enabled.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.money import Money, money_round
from core.payments import PaymentProviderError, PaymentProviderUnreachable, payment_provider_get
from orders.models import OrderStatus, PaymentStatus, SellerOrder, SellerTransfer, TransferStatus
from orders.services.ledger import ledger_post_transfer, seller_payable, seller_payable_total
from sellers.models import PayoutStatus

logger = logging.getLogger(__name__)

RETRYABLE = (TransferStatus.HELD, TransferStatus.PENDING, TransferStatus.FAILED)


def payouts_due(*, now: datetime | None = None) -> list[SellerOrder]:
    """Delivered seller orders past the holding period, not yet paid out."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PAYOUT_HOLD_DAYS)
    return list(
        SellerOrder.objects.filter(
            status=OrderStatus.DELIVERED,
            updated_at__lte=cutoff,
            order__payment__status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED],
        )
        .exclude(transfer__status__in=[TransferStatus.PAID, TransferStatus.NOTHING_DUE])
        .select_related("order", "seller")
        .order_by("pk")
    )


def _prepare(*, seller_order: SellerOrder, provider_name: str) -> SellerTransfer | None:
    """Under the transfer row's lock: decide held / nothing due / the amount to send (fixed once)."""
    with transaction.atomic():
        transfer, _ = SellerTransfer.objects.get_or_create(
            seller_order=seller_order,
            defaults={
                "seller": seller_order.seller,
                "idempotency_key": f"tr:{seller_order.order.number}:{seller_order.seller_id}",
            },
        )
        transfer = SellerTransfer.objects.select_for_update().select_related("seller").get(pk=transfer.pk)
        if transfer.status not in RETRYABLE:
            return None
        seller = transfer.seller
        needs_account = provider_name != "offline"
        if seller.payout_status != PayoutStatus.ENABLED or (needs_account and not seller.stripe_account_id):
            SellerTransfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.HELD)
            return None
        if transfer.amount is None:
            currency = seller_order.order.currency
            due = min(
                seller_payable(seller_order=seller_order).amount,
                seller_payable_total(seller_id=seller.pk, currency=currency).amount,
            )
            if due <= 0:
                SellerTransfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.NOTHING_DUE)
                return None
            transfer.amount = money_round(Money(due, currency))
        transfer.destination = seller.stripe_account_id
        transfer.status = TransferStatus.PENDING
        transfer.attempts += 1
        transfer.save(update_fields=["amount", "amount_currency", "destination", "status", "attempts"])
        return transfer


def payout_send(*, seller_order: SellerOrder) -> SellerTransfer | None:
    """Pay one seller order's share out (idempotent: a paid one is left alone)."""
    provider = payment_provider_get()
    transfer = _prepare(seller_order=seller_order, provider_name=provider.name)
    if transfer is None:
        return SellerTransfer.objects.filter(seller_order=seller_order).first()
    assert transfer.amount is not None
    try:
        sent = provider.transfer_create(
            account=transfer.destination,
            amount=transfer.amount,
            idempotency_key=transfer.idempotency_key,
            transfer_group=seller_order.order.number,
            metadata={"order_number": seller_order.order.number, "seller_id": str(seller_order.seller_id)},
        )
    except PaymentProviderError as error:
        kind = "unreachable" if isinstance(error, PaymentProviderUnreachable) else "refused"
        logger.warning("Transfer %s %s: %s", transfer.idempotency_key, kind, error)
        SellerTransfer.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
            status=TransferStatus.FAILED, last_error=f"{kind}: {error}"[:300]
        )
        transfer.refresh_from_db()
        return transfer
    with transaction.atomic():
        updated = SellerTransfer.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
            status=TransferStatus.PAID, provider_reference=sent.reference, paid_at=timezone.now(), last_error=""
        )
        transfer.refresh_from_db()
        if updated:
            ledger_post_transfer(
                transfer=SellerTransfer.objects.select_related("seller_order__order").get(pk=transfer.pk)
            )
    return transfer


def payouts_run(*, now: Any = None) -> dict[str, int]:
    """The periodic payout run: every due seller order (held ones too, once their seller is enabled)."""
    counts = {"paid": 0, "held": 0, "failed": 0, "nothing_due": 0}
    for seller_order in payouts_due(now=now):
        transfer = payout_send(seller_order=seller_order)
        if transfer is not None and transfer.status in counts:
            counts[transfer.status] += 1
    return counts
