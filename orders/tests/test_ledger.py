"""The money ledger adds up: over any mix of orders, refunds and payouts, in integer minor units."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import from_minor_units, to_minor_units
from orders.models import (
    LedgerEntry,
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
from orders.services import payment_confirm, payout_send, refund_create
from sellers.models import PayoutStatus
from sellers.tests.factories import SellerFactory

CURRENCIES = ("KZT", "UZS", "KWD")
COMMISSIONS = (Decimal("0"), Decimal("5"), Decimal("8.50"), Decimal("12.34"))

orders_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "currency": st.sampled_from(CURRENCIES),
            "goods": st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=3),
            "shipping": st.lists(st.integers(min_value=0, max_value=10**6), min_size=3, max_size=3),
            "duties": st.integers(min_value=0, max_value=10**6),
            "commission": st.lists(st.sampled_from(COMMISSIONS), min_size=3, max_size=3),
        }
    ),
    min_size=1,
    max_size=4,
)
operations_strategy = st.lists(
    st.tuples(
        st.sampled_from(["refund", "refund_part", "payout", "refund_all"]),
        st.integers(min_value=0, max_value=3),  # which order
        st.integers(min_value=0, max_value=2),  # which seller order
        st.integers(min_value=1, max_value=100),  # percent of what is left
    ),
    max_size=12,
)


def _order(buyer, sellers, spec: dict, index: int) -> Order:  # type: ignore[no-untyped-def]
    currency = spec["currency"]
    parts = list(zip(spec["goods"], spec["shipping"], spec["commission"], strict=False))
    goods_total = sum(goods for goods, _, _ in parts)
    shipping_total = sum(shipping for _, shipping, _ in parts)
    total = goods_total + shipping_total + spec["duties"]
    now = timezone.now()
    order = Order.objects.create(
        number=f"KRV-LEDGER-{index:04d}",
        buyer=buyer,
        currency=currency,
        shipping_address={},
        destination_country="KZ",
        subtotal=from_minor_units(goods_total, currency),
        shipping_total=from_minor_units(shipping_total, currency),
        duties_total=from_minor_units(spec["duties"], currency),
        total=from_minor_units(total, currency),
        reserved_until=now + timedelta(minutes=30),
        placed_at=now,
    )
    for seller, (goods, shipping, commission) in zip(sellers, parts, strict=False):
        SellerOrder.objects.create(
            order=order,
            seller=seller,
            subtotal=from_minor_units(goods, currency),
            subtotal_seller=from_minor_units(goods, currency),
            shipping_total=from_minor_units(shipping, currency),
            commission_percent=commission,
        )
    payment = Payment.objects.create(order=order, provider="offline", amount=order.total)
    payment_confirm(payment=payment, provider_reference=f"offline-{order.number}", amount=payment.amount)
    return order


def _apply(operation: tuple, orders: list[Order], staff) -> None:  # type: ignore[no-untyped-def]
    kind, order_index, part_index, percent = operation
    order = orders[order_index % len(orders)]
    parts = list(SellerOrder.objects.filter(order=order).order_by("pk"))
    part = parts[part_index % len(parts)]
    if kind == "payout":
        SellerOrder.objects.filter(pk=part.pk).update(status=OrderStatus.DELIVERED)
        payout_send(seller_order=part)
        return
    payment = Payment.objects.get(order=order)
    from orders.services.refunds import refundable_amount

    scope = part if kind == "refund_part" else None
    left = refundable_amount(payment=payment, seller_order=scope)
    if left.amount <= 0:
        return
    amount = (
        None
        if kind == "refund_all"
        else from_minor_units(max(1, to_minor_units(left) * percent // 100), left.currency.code)
    )
    # Never more than is left, so the rules must accept it: an error here fails the test.
    refund_create(
        order=order,
        amount=amount,
        seller_order_id=scope.pk if scope else None,
        reason="property test",
        actor=staff,
        request_key=None,
    )


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=orders_strategy, operations=operations_strategy)
def test_the_ledger_sums_to_charges_minus_refunds_with_zero_difference(
    specs, operations, make_user, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.PAYMENT_PROVIDER = "offline"
    with transaction.atomic():
        buyer = make_user()
        staff = make_user(is_staff=True)
        sellers = [SellerFactory(payout_status=PayoutStatus.ENABLED) for _ in range(3)]
        with django_capture_on_commit_callbacks(execute=True):
            orders = [_order(buyer, sellers, spec, index) for index, spec in enumerate(specs)]
        for operation in operations:
            with django_capture_on_commit_callbacks(execute=True):
                _apply(operation, orders, staff)

        for currency in {spec["currency"] for spec in specs}:
            lines = LedgerEntry.objects.filter(currency=currency)

            def total(lines=lines, **filters) -> int:  # type: ignore[no-untyped-def]
                return int(lines.filter(**filters).aggregate(value=Sum("amount_minor"))["value"] or 0)

            charges = sum(
                to_minor_units(p.amount)
                for p in Payment.objects.filter(
                    amount_currency=currency, status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED]
                )
            )
            refunds = sum(
                to_minor_units(r.amount)
                for r in Refund.objects.filter(amount_currency=currency, status=RefundStatus.SUCCEEDED)
            )
            transferred = sum(
                to_minor_units(t.amount)
                for t in SellerTransfer.objects.filter(amount_currency=currency, status=TransferStatus.PAID)
            )
            # Double entry: every currency balances to zero.
            assert total() == 0
            # Cash held plus what went to sellers is exactly what buyers paid less what they got back.
            assert total(account="cash") + transferred == charges - refunds
            assert total(account="cash", kind="charge") == charges
            assert -total(account="cash", kind="refund") == refunds
            # What the platform holds is owed to sellers, kept as commission, or due to carriers.
            owed = -total(account="seller_payable") - total(account="commission") - total(account="fees")
            assert owed == total(account="cash")
            # Each payment: refunds never exceed the capture.
            for payment in Payment.objects.filter(amount_currency=currency):
                refunded = sum(to_minor_units(r.amount) for r in payment.refunds.exclude(status=RefundStatus.FAILED))
                assert refunded <= to_minor_units(payment.amount)
        # Per seller order: refunds never take back more goods, or return more commission, than charged.
        for part in SellerOrder.objects.filter(order__in=orders):
            mine = LedgerEntry.objects.filter(seller_order=part, account="seller_payable")

            def kind_total(kind: str, mine=mine) -> int:  # type: ignore[no-untyped-def]
                return int(mine.filter(kind=kind).aggregate(v=Sum("amount_minor"))["v"] or 0)

            assert 0 <= kind_total("refund") <= -kind_total("charge") == to_minor_units(part.subtotal)
            assert 0 <= -kind_total("commission_reversal") <= kind_total("commission")
        # A fully refunded order leaves nothing with anyone but what was already transferred.
        for order in orders:
            payment = Payment.objects.get(order=order)
            if payment.status == PaymentStatus.REFUNDED:
                entries = LedgerEntry.objects.filter(posting__order=order)
                transfers = int(
                    entries.filter(kind="transfer", account="cash").aggregate(v=Sum("amount_minor"))["v"] or 0
                )
                assert int(entries.filter(account="cash").aggregate(v=Sum("amount_minor"))["v"] or 0) == transfers
        transaction.set_rollback(True)
