"""A double-tapped "create seller" (PostgreSQL, real threads): one seller, the other call a 409."""

import threading

import pytest
from django.db import connection

from sellers.exceptions import AlreadySellerMember
from sellers.models import Seller, SellerMember
from sellers.services import seller_create
from sellers.tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_user_creating_two_sellers_at_once_gets_one() -> None:
    user = UserFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            seller_create(user=user, display_name=name, legal_name=name, country="KZ", currency="KZT")
            outcomes.append("created")
        except AlreadySellerMember:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(f"Almaty Mill {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "created"]
    assert Seller.objects.count() == 1  # the loser's seller row was rolled back with it
    assert SellerMember.objects.filter(user=user).count() == 1
