"""The offline provider outside the demo (issue 9): buyers never mark orders paid; only staff confirm."""

import pytest
from django.test import Client

from orders.exceptions import ManualPaymentNotAllowed
from orders.models import LedgerPosting, Order, OrderEvent, OrderStatus, Payment, PaymentStatus
from orders.services import order_pay_confirm_by_staff
from orders.tests.payments_support import place_order
from sellers.models import PayoutStatus, Seller
from sellers.tests.factories import SellerFactory, SellerMemberFactory


@pytest.fixture
def production_offline(settings):  # type: ignore[no-untyped-def]
    settings.PAYMENT_PROVIDER = "offline"
    settings.OFFLINE_PAYMENT_METHOD = "bank_transfer"
    settings.OFFLINE_PAYMENTS_SELF_SERVICE = False


@pytest.mark.django_db(transaction=True)
def test_the_buyer_cannot_mark_an_order_paid_and_staff_confirm_it(
    production_offline, client_for, make_user, market
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user()
    order = place_order(client_for(buyer), buyer, market)
    response = client_for(buyer).post(f"/api/v1/orders/{order.pk}/pay/")
    assert response.status_code == 409 and response.data["code"] == "manual_payment_not_allowed"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    with pytest.raises(ManualPaymentNotAllowed):
        order_pay_confirm_by_staff(order=order, actor=buyer)  # not staff
    assert Payment.objects.get(order=order).status == PaymentStatus.PENDING

    admin = make_user(email="cashier@karavan.example", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    changelist = browser.post(
        "/admin/orders/order/",
        {"action": "confirm_offline_payment", "_selected_action": [order.pk]},
        follow=True,
    )
    assert changelist.status_code == 200
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    assert order.status == OrderStatus.ALLOCATED and payment.status == PaymentStatus.SUCCEEDED
    assert payment.confirmed_by == admin
    paid = OrderEvent.objects.get(order=order, code="paid")
    assert paid.actor == admin and paid.actor_label == "staff"
    assert LedgerPosting.objects.filter(order=order, kind="charge").count() == 1
    # Confirming again does nothing twice.
    order_pay_confirm_by_staff(order=order, actor=admin)
    assert OrderEvent.objects.filter(order=order, code="paid").count() == 1


@pytest.mark.django_db
def test_offline_payout_onboarding_does_not_enable_payouts_outside_the_demo(production_offline, client_for) -> None:  # type: ignore[no-untyped-def]
    member = SellerMemberFactory(seller=SellerFactory(country="KZ", currency="KZT"), role="owner")
    response = client_for(member.user).post("/api/v1/sellers/me/payouts/onboarding/", {}, format="json")
    assert response.status_code == 200
    assert response.data["payout_status"] == "pending"
    assert Seller.objects.get(pk=member.seller_id).payout_status == PayoutStatus.PENDING
