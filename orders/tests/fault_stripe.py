"""Faults: Stripe answers 500, times out, or succeeds with its answer lost (``make test-faults``).

Against the project's fake Stripe on loopback, through stripe-python. Whatever happens, each order
is placed (never lost), opens exactly one PaymentIntent (every attempt carries ``pi:<number>``),
is charged once when the buyer pays, and the audit passes after each fault.
"""

import pytest

from orders.audit import audit_run
from orders.models import LedgerPosting, OrderStatus, Payment, PaymentStatus
from orders.tests.payments_support import place_order

pytestmark = pytest.mark.django_db

INTENTS = "/v1/payment_intents"


def _pay(stripe, webhook_send, order) -> None:  # type: ignore[no-untyped-def]
    stripe.payment_succeed(Payment.objects.get(order=order).provider_payment_id)
    stripe.deliver_pending(webhook_send)
    stripe.deliver_pending(webhook_send)  # a webhook delivered twice charges nothing twice
    order.refresh_from_db()


def test_stripe_500s_timeouts_and_lost_answers_lose_no_order_and_charge_once(
    stripe, webhook_send, client_for, make_user, market, settings, django_capture_on_commit_callbacks
) -> None:
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    buyer = make_user(email="fault-stripe@example.com")
    client = client_for(buyer)
    faults = {
        "500": lambda: stripe.fail_next(INTENTS, 500, times=3),  # every attempt of stripe-python's three
        "timeout": lambda: stripe.stall_next(INTENTS),  # done at Stripe, answered too late
        "lost answer": lambda: stripe.drop_next(INTENTS),  # done at Stripe, the connection drops
    }
    report = []
    for number, (name, inject) in enumerate(faults.items()):
        inject()
        intents_before = len(stripe.intents)
        with django_capture_on_commit_callbacks(execute=True):
            order = place_order(client, buyer, market, key=f"fault-stripe-{number}")
        payment = Payment.objects.get(order=order)
        assert order.status == OrderStatus.PENDING_PAYMENT  # placed whatever Stripe said
        if payment.status != PaymentStatus.PENDING:  # not opened: the buyer asks again
            assert payment.status in (PaymentStatus.RETRY, PaymentStatus.FAILED), name
            assert client.post(f"/api/v1/orders/{order.pk}/payment/").status_code == 200
            payment.refresh_from_db()
        assert payment.status == PaymentStatus.PENDING and payment.client_secret, (name, payment.last_error)
        assert len(stripe.intents) == intents_before + 1, name  # one intent, however many attempts
        keys = {call.headers["idempotency-key"] for call in stripe.calls(INTENTS)[-3:]}
        assert f"pi:{order.number}" in keys
        _pay(stripe, webhook_send, order)
        assert order.status == OrderStatus.ALLOCATED, name
        assert LedgerPosting.objects.filter(order=order, kind="charge").count() == 1  # charged once
        findings = audit_run()
        report.append(f"{name}: audit {len(findings)}")
        assert findings == [], (name, findings)
    stripe.release_stalled()
    print("fault: Stripe " + "; ".join(report))
