"""The Stripe webhook: signatures, duplicates (sequential and concurrent), arrival order, lost events, expiry races."""

import itertools
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client

from core.money import Money, money_round
from orders.models import (
    LedgerPosting,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from orders.services import orders_expire_due, payments_reconcile, refund_create
from orders.tests.payments_support import WEBHOOK_URL, ledger_sum, minor, place_order
from sellers.models import PayoutStatus, Seller
from warehouses.models import Stock

PAYMENT_EVENTS = ("payment_intent.created", "payment_intent.payment_failed", "payment_intent.succeeded")


def post_raw(body: bytes, signature: str | None) -> int:
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return Client().post(WEBHOOK_URL, data=body, content_type="application/json", headers=headers).status_code


@pytest.fixture
def paid_by_card(stripe, client_for, make_user, market):  # type: ignore[no-untyped-def]
    """An order whose buyer had one card declined and then paid; its events are waiting at the fake."""
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    payment = Payment.objects.get(order=order)
    stripe.payment_decline(payment.provider_payment_id)
    stripe.payment_succeed(payment.provider_payment_id)
    return order


@pytest.mark.django_db
def test_forged_wrong_secret_tampered_stale_and_unsigned_bodies_are_refused(stripe, paid_by_card, settings) -> None:  # type: ignore[no-untyped-def]
    (delivery,) = stripe.pending_deliveries(("payment_intent.succeeded",))
    body, headers = stripe.signed(delivery.event)
    forged = stripe.sign(body, secret="whsec_someone_else")
    tampered = body.replace(b'"status": "succeeded"', b'"status": "succeeded", "x": 1')
    stale = stripe.sign(body, timestamp=int(time.time()) - 600)
    for payload, signature in (
        (body, forged),
        (tampered, headers["Stripe-Signature"]),
        (body, stale),
        (body, None),
        (body, "t=abc,v1=zz"),
    ):
        assert post_raw(payload, signature) == 400
    # The app configured with another secret refuses a body Stripe signed correctly for its own.
    settings.STRIPE_WEBHOOK_SECRET = "whsec_rotated"
    assert post_raw(body, headers["Stripe-Signature"]) == 400
    assert WebhookEvent.objects.count() == 0
    assert Order.objects.get(pk=paid_by_card.pk).status == OrderStatus.PENDING_PAYMENT
    settings.STRIPE_WEBHOOK_SECRET = stripe.webhook_secret
    response = Client().post(WEBHOOK_URL, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json()["received"] is True


@pytest.mark.django_db
def test_the_webhook_is_a_404_with_the_offline_provider(settings) -> None:
    settings.PAYMENT_PROVIDER = "offline"
    assert post_raw(b"{}", "t=1,v1=x") == 404


@pytest.mark.django_db
def test_a_duplicate_delivery_changes_nothing(stripe, paid_by_card, webhook_send) -> None:  # type: ignore[no-untyped-def]
    assert stripe.deliver_pending(webhook_send) == 3
    (succeeded,) = [d for d in stripe.deliveries if d.event["type"] == "payment_intent.succeeded"]
    for _ in range(2):
        body, headers = stripe.signed(succeeded.event)
        assert webhook_send(body, headers) == 200
    order = Order.objects.get(pk=paid_by_card.pk)
    assert order.status == OrderStatus.ALLOCATED
    assert OrderEvent.objects.filter(order=order, code="paid").count() == 1
    assert LedgerPosting.objects.filter(order=order, kind="charge").count() == 1
    row = WebhookEvent.objects.get(event_id=succeeded.event["id"])
    assert row.deliveries == 3 and row.processed_at is not None and row.outcome == "paid"


@pytest.mark.django_db
def test_every_arrival_order_of_a_payments_events_ends_paid(stripe, paid_by_card, webhook_send) -> None:  # type: ignore[no-untyped-def]
    events = {d.event["type"]: d.event for d in stripe.pending_deliveries(PAYMENT_EVENTS)}
    assert set(events) == set(PAYMENT_EVENTS)
    outcomes = set()
    for permutation in itertools.permutations(PAYMENT_EVENTS):
        with transaction.atomic():
            for kind in permutation:
                assert webhook_send(*stripe.signed(events[kind])) == 200
            order = Order.objects.get(pk=paid_by_card.pk)
            payment = Payment.objects.get(order=order)
            outcomes.add((order.status, payment.status, LedgerPosting.objects.filter(order=order).count()))
            assert OrderEvent.objects.filter(order=order, code="paid").count() == 1, permutation
            transaction.set_rollback(True)
    # Whatever the order, the same end: paid (allocated), one charge and one commission posting.
    assert outcomes == {(OrderStatus.ALLOCATED, PaymentStatus.SUCCEEDED, 2)}


@pytest.mark.django_db
def test_every_arrival_order_of_a_refunds_events_ends_refunded(
    stripe, paid_by_card, webhook_send, make_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    stripe.deliver_pending(webhook_send)
    staff = make_user(is_staff=True)
    stripe.refunds_pending = True  # Stripe answers "pending"; the outcome arrives by webhook
    order = Order.objects.get(pk=paid_by_card.pk)
    payment = Payment.objects.get(order=order)
    half = money_round(Money(payment.amount.amount / 2, payment.amount.currency.code))
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(
            order=order, amount=half, seller_order_id=None, reason="Damaged box", actor=staff, request_key="r1"
        )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PENDING and refund.provider_reference
    stripe.refund_settle(refund.provider_reference, status="succeeded")
    kinds = ("refund.created", "charge.refunded", "refund.updated")
    events = {d.event["type"]: d.event for d in stripe.pending_deliveries(kinds)}
    assert set(events) == set(kinds)
    outcomes = set()
    for permutation in itertools.permutations(kinds):
        with transaction.atomic():
            for kind in permutation:
                assert webhook_send(*stripe.signed(events[kind])) == 200
            refund.refresh_from_db()
            postings = LedgerPosting.objects.filter(order=order, kind="refund").count()
            outcomes.add((refund.status, postings, ledger_sum(posting__order=order, account="cash")))
            transaction.set_rollback(True)
    # In any order: succeeded once, one refund posting, cash = the charge less the half refunded.
    assert outcomes == {(RefundStatus.SUCCEEDED, 1, minor(payment.amount) - minor(half))}


@pytest.mark.django_db
def test_a_lost_webhook_is_recovered_by_reconciliation(stripe, paid_by_card) -> None:  # type: ignore[no-untyped-def]
    # No delivery at all: the fake knows the payment succeeded, the app does not.
    assert Order.objects.get(pk=paid_by_card.pk).status == OrderStatus.PENDING_PAYMENT
    counts = payments_reconcile()
    assert counts["checked"] == 1 and counts["applied"] == 1
    order = Order.objects.get(pk=paid_by_card.pk)
    assert order.status == OrderStatus.ALLOCATED and order.paid_at is not None
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert stripe.calls("/v1/payment_intents", method="GET")  # it asked Stripe (a listing)
    assert payments_reconcile()["checked"] == 0  # nothing pending any more


@pytest.mark.django_db
def test_a_decline_keeps_the_order_payable(stripe, client_for, make_user, market, webhook_send) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    stripe.payment_decline(Payment.objects.get(order=order).provider_payment_id)
    stripe.deliver_pending(webhook_send)
    detail = client_for(buyer).get(f"/api/v1/orders/{order.pk}/").data
    assert detail["status"] == "pending_payment"
    assert detail["payment"]["status"] == "failed" and detail["payment"]["retryable"] is True
    assert "declined" in detail["payment"]["error"]


@pytest.mark.django_db
def test_a_payment_that_succeeds_after_expiry_is_refunded_in_full(
    stripe, client_for, make_user, market, webhook_send
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    with time_machine.travel(order.reserved_until + timedelta(minutes=1), tick=False):
        assert orders_expire_due() == 1
    assert sum(Stock.objects.values_list("reserved", flat=True)) == 0  # the stock went back on sale
    payment = Payment.objects.get(order=order)
    stripe.payment_succeed(payment.provider_payment_id)  # the buyer's bank was slow
    stripe.deliver_pending(webhook_send)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED  # never moves backwards
    refund = Refund.objects.get(payment=payment)
    assert refund.idempotency_key == f"rf:{order.number}:late"
    assert refund.amount == payment.amount and refund.status == RefundStatus.SUCCEEDED
    assert payment.status == PaymentStatus.REFUNDED
    assert [r["amount"] for r in stripe.refunds.values()] == [minor(payment.amount)]
    assert OrderEvent.objects.filter(order=order, code="late_payment_refunded").count() == 1
    assert ledger_sum(posting__order=order, account="cash") == 0  # charged and refunded
    assert ledger_sum(posting__order=order, account="seller_payable") == 0
    assert sum(Stock.objects.values_list("reserved", flat=True)) == 0


@pytest.mark.django_db
def test_account_events_in_any_order_end_in_the_accounts_current_state(stripe, webhook_send, make_user) -> None:  # type: ignore[no-untyped-def]
    from sellers.tests.factories import SellerFactory

    seller = SellerFactory(stripe_account_id="")
    account = stripe.answer("POST", "/v1/accounts", {}, {"type": "express"}, {})[1]["id"]
    Seller.objects.filter(pk=seller.pk).update(stripe_account_id=account)
    stripe.account_update(account, payouts_enabled=False, disabled_reason="requirements.past_due")
    stripe.account_update(account, payouts_enabled=True)
    first, second = stripe.pending_deliveries(("account.updated",))
    # The newer event first, the stale "restricted" one last: the app re-reads the account.
    assert stripe.deliver(second, webhook_send) and stripe.deliver(first, webhook_send)
    assert Seller.objects.get(pk=seller.pk).payout_status == PayoutStatus.ENABLED


def _concurrently(count: int, work) -> list:  # type: ignore[no-untyped-def]
    return _concurrently_each([work] * count)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_deliveries_apply_the_event_once(stripe, client_for, make_user, market) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    stripe.payment_succeed(Payment.objects.get(order=order).provider_payment_id)
    (succeeded,) = stripe.pending_deliveries(("payment_intent.succeeded",))
    body, headers = stripe.signed(succeeded.event)
    results = _concurrently(6, lambda: post_raw(body, headers["Stripe-Signature"]))
    assert results == [200] * 6
    order.refresh_from_db()
    assert order.status == OrderStatus.ALLOCATED
    assert OrderEvent.objects.filter(order=order, code="paid").count() == 1
    assert LedgerPosting.objects.filter(order=order, kind="charge").count() == 1
    row = WebhookEvent.objects.get(event_id=succeeded.event["id"])
    assert row.deliveries == 6 and row.processed_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_payment_racing_expiry_ends_paid_or_expired_and_refunded(stripe, client_for, make_user, market) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    payment = Payment.objects.get(order=order)
    stripe.payment_succeed(payment.provider_payment_id)
    (succeeded,) = stripe.pending_deliveries(("payment_intent.succeeded",))
    body, headers = stripe.signed(succeeded.event)
    late = order.reserved_until + timedelta(seconds=1)

    def webhook() -> int:
        return post_raw(body, headers["Stripe-Signature"])

    def expire() -> int:
        return orders_expire_due(now=late)

    outcome = _concurrently_each([webhook, expire])
    assert outcome[0] == 200 and not isinstance(outcome[1], Exception), outcome
    order.refresh_from_db()
    payment.refresh_from_db()
    refunds = list(Refund.objects.filter(payment=payment))
    if order.status == OrderStatus.EXPIRED:
        # Expiry won: the money that arrived anyway went straight back.
        assert [r.amount for r in refunds] == [payment.amount] and payment.status == PaymentStatus.REFUNDED
        assert ledger_sum(posting__order=order, account="cash") == 0
    else:
        # The payment won: paid, the stock still reserved for the warehouses, nothing refunded.
        assert order.status == OrderStatus.ALLOCATED and refunds == []
        assert sum(Stock.objects.values_list("reserved", flat=True)) == 3
    assert OrderEvent.objects.filter(order=order, code__in=["paid", "expired"]).count() == 1


def _concurrently_each(works) -> list:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(works))
    results: list = [None] * len(works)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = works[index]()
        except Exception as error:  # recorded, asserted on by the caller
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
