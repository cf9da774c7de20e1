"""Provider webhooks: record each event once on receipt, apply it in a task, in any order.

The view verifies the signature and calls ``webhook_receive``, which stores the event by its
unique id and queues ``webhook_event_process`` after commit, then answers 200 at once. The task
locks the event row, applies the event and sets ``processed_at`` in the same transaction: a
duplicate delivery (sequential or concurrent) finds the row processed, or waits on its lock and
then finds it processed. Effects only move things forward (``payment_state_apply``,
``refund_state_apply``), and account events re-read the account, so arrival order does not matter.
"""

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.money import Money
from core.payments import ProviderEvent, ProviderPayment, ProviderRefund
from orders.models import Payment, WebhookEvent
from orders.services.payments import payment_state_apply
from orders.services.refunds import refund_for_provider, refund_state_apply


def _money_json(value: Money | None) -> dict[str, str] | None:
    return None if value is None else {"amount": str(value.amount), "currency": value.currency.code}


def _money_from(value: dict[str, str] | None) -> Money | None:
    return None if value is None else Money(Decimal(value["amount"]), value["currency"])


def _event_json(event: ProviderEvent) -> dict[str, Any]:
    payment = None
    if event.payment is not None:
        payment = {**asdict(event.payment), "amount": _money_json(event.payment.amount), "client_secret": None}
    refunds = [{**asdict(r), "amount": _money_json(r.amount)} for r in event.refunds]
    return {"payment": payment, "refunds": refunds, "account": event.account, "object": event.data}


def _payment_from(data: dict[str, Any]) -> ProviderPayment:
    return ProviderPayment(**{**data, "amount": _money_from(data.get("amount"))})


def _refund_from(data: dict[str, Any]) -> ProviderRefund:
    return ProviderRefund(**{**data, "amount": _money_from(data.get("amount"))})


def webhook_receive(*, provider: str, event: ProviderEvent) -> WebhookEvent:
    """Store a verified event once (by its id) and queue its processing; cheap, so the 2xx is fast."""
    from orders.tasks import webhook_event_process_task

    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                provider=provider, event_id=event.id, type=event.type, payload=_event_json(event)
            )
    except IntegrityError:
        # A redelivery (or the same event arriving twice at once): count it, queue nothing new
        # unless the first one has not been applied yet.
        WebhookEvent.objects.filter(event_id=event.id).update(deliveries=F("deliveries") + 1)
        row = WebhookEvent.objects.get(event_id=event.id)
        if row.processed_at is not None:
            return row
    transaction.on_commit(lambda: webhook_event_process_task.delay(row.pk))
    return row


def _apply(row: WebhookEvent) -> str:
    payload = row.payload
    outcomes = []
    if payload.get("payment"):
        seen = _payment_from(payload["payment"])
        payment = Payment.objects.filter(provider_payment_id=seen.reference).first()
        if payment is None:
            return "no such payment here"
        outcomes.append(payment_state_apply(payment=payment, seen=seen, source="webhook"))
    for data in payload.get("refunds") or []:
        seen_refund = _refund_from(data)
        refund = refund_for_provider(seen=seen_refund)
        if refund is None:
            outcomes.append(f"refund {seen_refund.reference} not ours")
            continue
        refund_state_apply(refund=refund, seen=seen_refund)
        outcomes.append(f"refund {refund.pk} {seen_refund.status}")
    return "; ".join(outcomes) or "nothing to do"


def webhook_event_process(*, event_id: int) -> str:
    """Apply one stored event, once. Account events re-read the account first (no lock held)."""
    row = WebhookEvent.objects.filter(pk=event_id).first()
    if row is None or row.processed_at is not None:
        return "already processed"
    if row.payload.get("account"):
        from sellers.services import seller_payout_status_sync

        seller = seller_payout_status_sync(stripe_account_id=row.payload["account"])
        outcome = f"seller {seller.pk} payouts {seller.payout_status}" if seller else "no such account here"
        WebhookEvent.objects.filter(pk=row.pk, processed_at__isnull=True).update(
            processed_at=timezone.now(), outcome=outcome[:300]
        )
        return outcome
    with transaction.atomic():
        row = WebhookEvent.objects.select_for_update().get(pk=event_id)
        if row.processed_at is not None:
            return "already processed"
        outcome = _apply(row)
        WebhookEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now(), outcome=outcome[:300])
    return outcome
