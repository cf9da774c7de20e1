"""Refunds (staff API: full, per seller order, partial, capped, idempotent) and seller payouts (Connect transfers)."""

from decimal import Decimal

import pytest

from core.money import Money, money_round
from orders.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    SellerOrder,
    SellerTransfer,
    TransferStatus,
)
from orders.services import payouts_run
from orders.tests.payments_support import deliver_everything, ledger_sum, minor, place_order
from sellers.models import PayoutStatus, Seller
from sellers.tests.factories import SellerMemberFactory
from warehouses.models import Stock


def owner_of(seller, make_user):  # type: ignore[no-untyped-def]
    user = make_user()
    SellerMemberFactory(seller=seller, user=user, role="owner")
    return user


def reserved() -> int:
    return sum(Stock.objects.values_list("reserved", flat=True))


def connect(stripe, seller, *, enabled: bool = True) -> str:  # type: ignore[no-untyped-def]
    """Give the seller a Connect account at the fake (enabled or not), as onboarding would."""
    account = stripe.answer("POST", "/v1/accounts", {}, {"type": "express"}, {})[1]["id"]
    if enabled:
        stripe.account_update(account, payouts_enabled=True)
    status = PayoutStatus.ENABLED if enabled else PayoutStatus.PENDING
    Seller.objects.filter(pk=seller.pk).update(stripe_account_id=account, payout_status=status)
    return account


@pytest.fixture
def paid_order(stripe, client_for, make_user, market, webhook_send):  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    stripe.payment_succeed(Payment.objects.get(order=order).provider_payment_id)
    stripe.deliver_pending(webhook_send)
    order.refresh_from_db()
    assert order.status == OrderStatus.ALLOCATED
    return order


@pytest.fixture
def staff_client(client_for, make_user):  # type: ignore[no-untyped-def]
    from orders.services.operators import operator_assign

    # A platform operator (may refund); is_staff alone is not enough (warehouse staff have it too).
    finance = make_user(email="finance@karavan.example", is_staff=True)
    operator_assign(user=finance)
    return client_for(finance)


def refund(client, order, *, key: str, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def money_json(value: Money) -> dict[str, str]:
    value = money_round(value)
    return {"amount": str(value.amount), "currency": value.currency.code}


@pytest.mark.django_db(transaction=True)
def test_a_refund_that_would_exceed_the_capture_is_refused_and_writes_nothing(stripe, paid_order, staff_client) -> None:  # type: ignore[no-untyped-def]
    payment = Payment.objects.get(order=paid_order)
    too_much = payment.amount + Money(Decimal("0.01"), payment.amount.currency.code)
    response = refund(staff_client, paid_order, key="r-1", amount=money_json(too_much))
    assert response.status_code == 400
    assert response.data["code"] == "refund_exceeds_capture" and "amount" in response.data["errors"]
    assert response.data["refundable"] == money_json(payment.amount)
    assert Refund.objects.count() == 0 and not stripe.refunds
    # Two partial refunds up to the capture are fine; a third cent is not.
    half = money_round(Money(payment.amount.amount / 2, payment.amount.currency.code))
    assert refund(staff_client, paid_order, key="r-2", amount=money_json(half)).status_code == 201
    rest = payment.amount - half
    assert refund(staff_client, paid_order, key="r-3", amount=money_json(rest)).status_code == 201
    cent = Money(Decimal("0.01"), payment.amount.currency.code)
    assert refund(staff_client, paid_order, key="r-4", amount=money_json(cent)).status_code == 400
    assert sum(r["amount"] for r in stripe.refunds.values()) == minor(payment.amount)
    assert Payment.objects.get(order=paid_order).status == PaymentStatus.REFUNDED
    assert ledger_sum(posting__order=paid_order, account="cash") == 0


@pytest.mark.django_db(transaction=True)
def test_a_refund_request_is_idempotent_and_staff_only(stripe, paid_order, staff_client, client_for) -> None:  # type: ignore[no-untyped-def]
    amount = money_json(Money(Decimal("100.00"), paid_order.currency))
    first = refund(staff_client, paid_order, key="goodwill-1", amount=amount, reason="Late delivery")
    again = refund(staff_client, paid_order, key="goodwill-1", amount=amount, reason="Late delivery")
    assert first.status_code == 201 and again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.data["id"] == first.data["id"]
    assert Refund.objects.count() == 1 and len(stripe.refunds) == 1
    (call,) = stripe.calls("/v1/refunds")
    assert call.headers["idempotency-key"] == Refund.objects.get().idempotency_key
    assert call.form["amount"] == ["10000"]
    # The buyer (or anyone but platform staff) cannot refund: the order is a 404 to them.
    assert refund(client_for(paid_order.buyer), paid_order, key="x", amount=amount).status_code == 404
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_full_refund_of_a_seller_order_before_dispatch_returns_its_stock(
    stripe, paid_order, staff_client, market
) -> None:  # type: ignore[no-untyped-def]
    part = SellerOrder.objects.get(order=paid_order, seller=market.seller_b)
    before = reserved()
    response = refund(staff_client, paid_order, key="b-out", seller_order=part.pk, reason="Out of stock")
    assert response.status_code == 201, response.data
    assert response.data["restocked"] is True
    assert response.data["amount"] == money_json(part.subtotal + part.shipping_total)
    assert reserved() == before - 2  # seller B's two units are back on sale
    part.refresh_from_db()
    assert part.status == OrderStatus.REFUNDED
    assert Order.objects.get(pk=paid_order.pk).status == OrderStatus.ALLOCATED  # seller A's part goes on
    assert ledger_sum(seller_order=part, account="seller_payable") == 0  # seller B is owed nothing


@pytest.mark.django_db(transaction=True)
def test_a_full_refund_of_an_undispatched_order_cancels_it(stripe, paid_order, staff_client) -> None:  # type: ignore[no-untyped-def]
    response = refund(staff_client, paid_order, key="all", reason="Buyer asked")
    assert response.status_code == 201, response.data
    assert Order.objects.get(pk=paid_order.pk).status == OrderStatus.REFUNDED
    assert reserved() == 0
    assert Refund.objects.get().status == RefundStatus.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_delivered_seller_orders_are_paid_out_once_per_seller(
    stripe, paid_order, market, client_for, make_user
) -> None:  # type: ignore[no-untyped-def]
    account_a = connect(stripe, market.seller_a)
    account_b = connect(stripe, market.seller_b)
    deliver_everything(paid_order)
    assert Order.objects.get(pk=paid_order.pk).status == OrderStatus.DELIVERED
    assert payouts_run()["paid"] == 2
    assert payouts_run()["paid"] == 0  # a second run pays nothing twice
    transfers = {t["destination"]: t for t in stripe.transfers.values()}
    assert set(transfers) == {account_a, account_b}
    for seller, account in ((market.seller_a, account_a), (market.seller_b, account_b)):
        part = SellerOrder.objects.get(order=paid_order, seller=seller)
        goods = minor(part.subtotal)
        commission = int((Decimal(goods) * part.commission_percent / 100).quantize(Decimal(1)))
        assert transfers[account]["amount"] == goods - commission
        assert transfers[account]["transfer_group"] == paid_order.number
        transfer = SellerTransfer.objects.get(seller_order=part)
        assert transfer.idempotency_key == f"tr:{paid_order.number}:{seller.pk}"
        assert transfer.status == TransferStatus.PAID
        assert ledger_sum(seller_order=part, account="seller_payable") == 0
    owner = owner_of(market.seller_a, make_user)
    balance = client_for(owner).get("/api/v1/seller/balance/").data["balances"]
    assert [row["currency"] for row in balance] == ["KZT"]
    assert balance[0]["payable"] == {"amount": "0.00", "currency": "KZT"}
    assert Decimal(balance[0]["transferred"]["amount"]) > 0


@pytest.mark.django_db(transaction=True)
def test_a_seller_without_payouts_accrues_and_is_paid_once_enabled(stripe, paid_order, market, webhook_send) -> None:  # type: ignore[no-untyped-def]
    connect(stripe, market.seller_a)
    account_b = connect(stripe, market.seller_b, enabled=False)
    deliver_everything(paid_order)
    counts = payouts_run()
    assert counts["paid"] == 1 and counts["held"] == 1
    part_b = SellerOrder.objects.get(order=paid_order, seller=market.seller_b)
    assert SellerTransfer.objects.get(seller_order=part_b).status == TransferStatus.HELD
    assert ledger_sum(seller_order=part_b, account="seller_payable") < 0  # still owed to B
    stripe.account_update(account_b, payouts_enabled=True)  # B finishes onboarding
    stripe.deliver_pending(webhook_send, ("account.updated",))
    assert Seller.objects.get(pk=market.seller_b.pk).payout_status == PayoutStatus.ENABLED
    assert payouts_run()["paid"] == 1
    assert SellerTransfer.objects.get(seller_order=part_b).status == TransferStatus.PAID
    assert len(stripe.transfers) == 2


@pytest.mark.django_db(transaction=True)
def test_a_transfer_retried_after_a_failure_pays_once(stripe, paid_order, market) -> None:  # type: ignore[no-untyped-def]
    connect(stripe, market.seller_a)
    connect(stripe, market.seller_b)
    deliver_everything(paid_order)
    # Stripe makes the transfers, but every answer is lost (stripe-python's own retries included).
    stripe.drop_next("/v1/transfers", times=6)
    assert payouts_run()["failed"] == 2
    assert len(stripe.transfers) == 2  # the money did move
    assert all(t.status == TransferStatus.FAILED and t.attempts == 1 for t in SellerTransfer.objects.all())
    assert payouts_run()["paid"] == 2  # the retry sends the same request with the same key
    assert len(stripe.transfers) == 2  # ... so nobody is paid twice
    keys = {call.headers["idempotency-key"] for call in stripe.calls("/v1/transfers")}
    assert keys == {t.idempotency_key for t in SellerTransfer.objects.all()}
    assert ledger_sum(posting__order=paid_order, account="seller_payable") == 0


@pytest.mark.django_db(transaction=True)
def test_a_refund_after_a_payout_reverses_the_sellers_share(
    stripe, paid_order, market, staff_client, client_for, make_user
) -> None:  # type: ignore[no-untyped-def]
    connect(stripe, market.seller_a)
    connect(stripe, market.seller_b)
    deliver_everything(paid_order)
    payouts_run()
    part = SellerOrder.objects.get(order=paid_order, seller=market.seller_b)
    goods = money_round(Money(part.subtotal.amount / 2, part.subtotal.currency.code))
    response = refund(staff_client, paid_order, key="half-b", seller_order=part.pk, amount=money_json(goods))
    assert response.status_code == 201, response.data
    assert response.data["restocked"] is False  # delivered goods do not come back by themselves
    owed = ledger_sum(seller_order=part, account="seller_payable")
    assert owed > 0  # after the payout the seller now owes the platform the refunded share
    owner = owner_of(market.seller_b, make_user)
    balance = client_for(owner).get("/api/v1/seller/balance/").data["balances"][0]
    assert Decimal(balance["payable"]["amount"]) == -Decimal(owed) / 100
    entries = client_for(owner).get("/api/v1/seller/balance/entries/").data
    kinds = [row["kind"] for row in entries["results"]]
    assert {"charge", "commission", "transfer", "refund", "commission_reversal"} <= set(kinds)
    assert all(row["order_number"] == paid_order.number for row in entries["results"])
    # Another seller sees none of it.
    other = owner_of(market.seller_a, make_user)
    assert all(
        row["seller_order"] != part.pk
        for row in client_for(other).get("/api/v1/seller/balance/entries/").data["results"]
    )
