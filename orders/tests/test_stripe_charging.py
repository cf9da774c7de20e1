"""Charging through Stripe (stripe-python against the local fake): amounts per currency, placement, retry."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from core.money import Money
from core.payments import payment_provider_get
from core.payments.currencies import (
    STRIPE_CURRENCY_EXCEPTIONS,
    from_stripe_amount,
    stripe_chargeable,
    to_stripe_amount,
)
from orders.models import Order, OrderStatus, Payment, PaymentStatus
from orders.tests.payments_support import fill_cart, place, place_order
from warehouses.models import Stock


@pytest.mark.parametrize(
    ("amount", "currency", "stripe_amount"),
    [
        ("1250000.00", "UZS", 125000000),
        ("83481.16", "KZT", 8348116),
        ("4999.99", "RUB", 499999),
        ("120.50", "CNY", 12050),
        ("19.99", "USD", 1999),
        ("12.340", "KWD", 12340),  # three decimals: the last digit must be 0
        ("7.500", "BHD", 7500),
        ("5000", "JPY", 5000),  # zero-decimal: whole yen, not multiplied by 100
    ],
)
@pytest.mark.django_db
def test_a_payment_intent_is_opened_for_the_amount_in_minor_units(stripe, amount, currency, stripe_amount) -> None:  # type: ignore[no-untyped-def]
    provider = payment_provider_get()
    opened = provider.payment_create(
        order_number="KRV-2026-000042",
        amount=Money(Decimal(amount), currency),
        idempotency_key="pi:KRV-2026-000042",
        transfer_group="KRV-2026-000042",
    )
    (call,) = stripe.calls("/v1/payment_intents")
    assert call.form["amount"] == [str(stripe_amount)]
    assert call.form["currency"] == [currency.lower()]
    assert call.form["metadata[order_number]"] == ["KRV-2026-000042"]
    assert call.form["transfer_group"] == ["KRV-2026-000042"]
    assert call.headers["idempotency-key"] == "pi:KRV-2026-000042"
    assert opened.amount == Money(Decimal(amount), currency)  # the fake's answer converts back exactly
    assert opened.client_secret and opened.client_secret.startswith(opened.reference)


def test_stripe_currency_exceptions_live_in_one_map() -> None:
    assert set(STRIPE_CURRENCY_EXCEPTIONS) == {"ISK", "HUF", "TWD", "UGX"}
    # ISK: zero decimals in ISO, two in Stripe's API, whole krónur only.
    assert to_stripe_amount(Money(Decimal("5"), "ISK")) == 500
    assert to_stripe_amount(Money(Decimal("5.40"), "ISK")) == 500
    assert stripe_chargeable(Money(Decimal("5.50"), "ISK")) == Money(Decimal("6"), "ISK")
    assert from_stripe_amount(500, "isk") == Money(Decimal("5"), "ISK")
    # HUF and TWD: two-decimal charges, whole-unit payouts (transfers).
    assert to_stripe_amount(Money(Decimal("1000.50"), "HUF")) == 100050
    assert to_stripe_amount(Money(Decimal("1000.50"), "HUF"), payout=True) == 100100
    assert to_stripe_amount(Money(Decimal("99.49"), "TWD"), payout=True) == 9900
    assert from_stripe_amount(100050, "huf") == Money(Decimal("1000.50"), "HUF")
    # UGX: zero-decimal.
    assert to_stripe_amount(Money(Decimal("10000"), "UGX")) == 10000
    # Three-decimal currencies are charged to the nearest ten (half up) and read back exactly.
    assert to_stripe_amount(Money(Decimal("12.345"), "KWD")) == 12350
    assert to_stripe_amount(Money(Decimal("12.344"), "KWD")) == 12340
    assert stripe_chargeable(Money(Decimal("12.345"), "KWD")) == Money(Decimal("12.350"), "KWD")
    # Everything else is ISO minor units.
    for code, value, expected in (("UZS", "1.01", 101), ("JPY", "7", 7), ("EUR", "0.01", 1)):
        assert to_stripe_amount(Money(Decimal(value), code)) == expected
        assert from_stripe_amount(expected, code.lower()) == Money(Decimal(value), code)


@pytest.mark.django_db
def test_placing_an_order_opens_its_payment_intent_and_returns_the_client_secret(
    stripe, client_for, make_user, market
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    fill_cart(buyer, (market.a_urc, 1), (market.b_urc, 2))
    response = place(client_for(buyer))
    assert response.status_code == 201, response.data
    order = Order.objects.get(pk=response.data["id"])
    payment = Payment.objects.get(order=order)
    (call,) = stripe.calls("/v1/payment_intents")
    assert call.headers["idempotency-key"] == f"pi:{order.number}"
    assert call.form["metadata[order_number]"] == [order.number]
    assert call.form["transfer_group"] == [order.number]
    assert call.form["amount"] == [str(int(order.total.amount * 100))]
    assert call.form["currency"] == ["kzt"]
    assert response.data["payment"]["client_secret"] == payment.client_secret
    assert payment.client_secret == stripe.intents[payment.provider_payment_id]["client_secret"]
    assert response.data["payment"]["provider"] == "stripe" and payment.status == PaymentStatus.PENDING
    # A replay of the same request answers with the same order and opens nothing new.
    replay = place(client_for(buyer))
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.data["payment"]["client_secret"] == payment.client_secret
    assert len(stripe.calls("/v1/payment_intents")) == 1


@pytest.mark.django_db
def test_offline_pay_is_refused_with_stripe(stripe, client_for, make_user, market) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    response = client_for(buyer).post(f"/api/v1/orders/{order.pk}/pay/")
    assert response.status_code == 409 and response.data["code"] == "manual_payment_not_allowed"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


@pytest.mark.django_db
def test_stripe_unreachable_leaves_a_retryable_payment_and_the_buyer_retries(
    stripe, client_for, make_user, market
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    client = client_for(buyer)
    # stripe-python retries twice by itself; all three attempts fail.
    stripe.fail_next("/v1/payment_intents", 503, times=3)
    fill_cart(buyer, (market.a_urc, 1))
    response = place(client)
    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending_payment"
    assert response.data["payment"]["status"] == "retry" and response.data["payment"]["retryable"] is True
    assert response.data["payment"]["client_secret"] is None
    assert sum(Stock.objects.values_list("reserved", flat=True)) == 1  # the reservation holds meanwhile
    assert not stripe.intents
    retried = client.post(f"/api/v1/orders/{response.data['id']}/payment/")
    assert retried.status_code == 200, retried.data
    assert retried.data["payment"]["status"] == "pending" and retried.data["payment"]["client_secret"]
    keys = {call.headers["idempotency-key"] for call in stripe.calls("/v1/payment_intents")}
    assert keys == {f"pi:{response.data['number']}"}  # every attempt with the same key
    assert len(stripe.intents) == 1
    # Once open, asking again changes nothing; another buyer's order is a 404.
    assert client.post(f"/api/v1/orders/{response.data['id']}/payment/").status_code == 200
    assert len(stripe.intents) == 1
    assert client_for(make_user()).post(f"/api/v1/orders/{response.data['id']}/payment/").status_code == 404


@pytest.mark.django_db
def test_a_lost_answer_to_the_intent_creation_is_retried_with_the_same_key_and_opens_one_intent(
    stripe, client_for, make_user, market
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    stripe.drop_next("/v1/payment_intents")  # Stripe creates it, the answer never arrives
    order = place_order(client_for(buyer), buyer, market)
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.PENDING and payment.client_secret
    assert len(stripe.intents) == 1 and len(stripe.calls("/v1/payment_intents")) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_stripe_call_while_the_stock_rows_are_locked(stripe, client_for, make_user, market) -> None:  # type: ignore[no-untyped-def]
    """When Stripe receives the intent, another connection can lock the order's stock rows at once."""
    buyer = make_user()
    fill_cart(buyer, (market.a_urc, 1), (market.b_urc, 1))
    seen: list[str] = []
    original = stripe._post_payment_intents

    def probe() -> None:
        try:
            with transaction.atomic():
                list(Stock.objects.select_for_update(nowait=True).filter(reserved__gt=0))
                seen.append("stock free")
        except Exception as error:  # a DatabaseError: the rows are still locked
            seen.append(f"stock locked: {error.__class__.__name__}")
        finally:
            connection.close()

    def watching(rest, form):  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(timeout=30)
        return original(rest, form)

    stripe._post_payment_intents = watching
    response = place(client_for(buyer))
    assert response.status_code == 201, response.data
    assert seen == ["stock free"]
    assert response.data["payment"]["client_secret"]
