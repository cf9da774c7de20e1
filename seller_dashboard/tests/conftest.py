"""A two-seller market for the dashboard's tests: owners and a staff member, stock, a paid order."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from core.services import exchange_rates_seed_offline
from orders.models import Order
from orders.tests.factories import Market, market_build
from orders.tests.payments_support import place_order
from sellers.models import MemberRole, SellerMember
from warehouses.transport.services import network_load_seed

PASSWORD = "correct-horse-battery-9"


@dataclass
class Shop:
    market: Market
    owner_a: Any
    staff_a: Any
    owner_b: Any
    buyer: Any
    order: Order


def shop_build(make_user: Any, client_for: Any) -> Shop:
    exchange_rates_seed_offline()
    network_load_seed()
    owner_a = make_user(email="owner.a@example.com", password=PASSWORD)
    owner_b = make_user(email="owner.b@example.com", password=PASSWORD)
    market = market_build(owner_a=owner_a, owner_b=owner_b)
    staff_a = make_user(email="staff.a@example.com", password=PASSWORD)
    SellerMember.objects.create(seller=market.seller_a, user=staff_a, role=MemberRole.STAFF)
    buyer = make_user(email="buyer@example.com", password=PASSWORD)
    order = place_order(client_for(buyer), buyer, market)
    assert client_for(buyer).post(f"/api/v1/orders/{order.pk}/pay/").status_code == 200
    return Shop(market=market, owner_a=owner_a, staff_a=staff_a, owner_b=owner_b, buyer=buyer, order=order)


@pytest.fixture(scope="module")
def shop(django_db_setup, django_db_blocker) -> Iterator[Shop]:  # type: ignore[no-untyped-def]
    """Built once per module inside a transaction that is rolled back at its end (Django's
    ``setUpTestData`` pattern): each test runs in a savepoint within it, so tests never see each
    other's writes and the market costs its seconds once."""
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.services import api_token_issue

    def make_user(email: str, password: str = PASSWORD) -> Any:
        return User.objects.create_user(email=email, password=password)

    def client_for(user: Any) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
        return client

    with django_db_blocker.unblock(), transaction.atomic():
        yield shop_build(make_user, client_for)
        transaction.set_rollback(True)


@pytest.fixture
def as_user(client):  # type: ignore[no-untyped-def]
    """``as_user(user)``: the test client, signed in as that person (a session, as in a browser)."""

    def sign_in(user: Any):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return sign_in
